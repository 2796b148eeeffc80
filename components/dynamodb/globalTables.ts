import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CellRole } from "../../config/load";
import { CellIdentity, cellTags } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { checkHomeTableArns, KeyType, PlannedTable, planTables, TableSpec } from "./plan";
import { throwArgIssues } from "../../validation/componentArgs";

const TABLE_TYPE = "aws:dynamodb/table:Table";
const REPLICA_TYPE = "aws:dynamodb/tableReplica:TableReplica";

export interface GlobalTablesArgs {
  identity: CellIdentity;
  /** The home cell creates the tables; a joiner adds its region as a replica of each. */
  role: CellRole;
  /** The configured tables (`dr:dynamodb.tables`). The DR control table is always added. */
  tables: TableSpec[];
  /** This region's KMS key (the multi-region primary at home, its replica in a joiner). */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Joiner only, and required there: the home cell's table ARN per physical table name
   * (`shop-orders`, `shop-dr-control`), read from the home DR manifest (`stores.dynamodb`,
   * `stores.controlTable`). Must be left out on the home cell.
   */
  homeTableArns?: Record<string, pulumi.Input<string>>;
  /**
   * Protect a joiner's replicas from `pulumi destroy` as well as the home tables: after a
   * failover a replica may hold the only live copy of the data. Defaults to true.
   */
  protectReplicas?: boolean;
}

/** One table of the cell as the DR manifest records it (this region's ARN). */
export interface GlobalTableEntry {
  tableName: string;
  tableArn: string;
  partitionKey: string;
  partitionKeyType: KeyType;
  sortKey?: string;
  sortKeyType?: KeyType;
}

export interface GlobalTablesOutputs {
  /** Home: one `aws.dynamodb.Table` per planned table. Empty on a joiner. */
  homeTables: aws.dynamodb.Table[];
  /** Joiner: one `aws.dynamodb.TableReplica` per planned table. Empty at home. */
  replicas: aws.dynamodb.TableReplica[];
  tables: pulumi.Output<GlobalTableEntry[]>;
  controlTable: pulumi.Output<Omit<GlobalTableEntry, "sortKey">>;
}

/**
 * DynamoDB global tables (version 2019.11.21, multi-region eventual consistency). The home
 * cell owns each table; every joiner adds its region with an `aws.dynamodb.TableReplica`, so
 * adding a region never edits the home stack. The DR control table, where the failover
 * commands write their fences, is replicated like the others.
 */
export function createGlobalTables(
  name: string,
  args: GlobalTablesArgs,
  parent: pulumi.Resource,
): GlobalTablesOutputs {
  const component = `dr:dynamodb:GlobalTables ${name}`;
  const { planned, issues } = planTables(args.identity, args.tables);
  if (args.role !== "home" && args.role !== "joiner") {
    issues.push({ propertyPath: "role", reason: `'${String(args.role)}' must be home or joiner.` });
  }
  if (args.role === "joiner" && args.homeTableArns === undefined) {
    issues.push({
      propertyPath: "homeTableArns",
      reason:
        "is required on a joiner: pass the home cell's tableArn per physical table name, from the home DR manifest (stores.dynamodb and stores.controlTable). Deploy the home stack first.",
    });
  }
  let unreplicated: string[] = [];
  if (args.role === "joiner" && args.homeTableArns !== undefined && issues.length === 0) {
    const checked = checkHomeTableArns(args.identity, planned, args.homeTableArns);
    issues.push(...checked.issues);
    unreplicated = checked.unreplicated;
  }
  throwArgIssues(component, issues);
  if (args.role === "home" && args.homeTableArns !== undefined) {
    throw new pulumi.ResourceError(
      `${component}: homeTableArns is for joiners only; the home cell (${args.identity.region}) creates the tables. Leave it out when role is 'home'.`,
      parent,
    );
  }
  if (unreplicated.length > 0) {
    void pulumi.log.warn(
      `The home cell has tables this cell does not replicate: ${unreplicated.join(", ")}. ` +
        `A region loss would make them unavailable here; list them in dr:dynamodb.tables of this stack too.`,
      parent,
    );
  }

  const tags = cellTags(args.identity);
  const protectReplicas = args.protectReplicas ?? true;
  const homeTables: aws.dynamodb.Table[] = [];
  const replicas: aws.dynamodb.TableReplica[] = [];
  const arns = planned.map((table): pulumi.Output<string> => {
    if (args.role === "home") {
      const created = createHomeTable(name, table, args.kmsKeyArn, tags, parent);
      homeTables.push(created);
      return created.arn;
    }
    // The provider adds, reads and removes a replica through the home table's region (the
    // region of globalTableArn); no @pulumi/aws resource manages it through this region. Listed
    // as an exception in plan/regions.ts; the plan prints the refresh to run during an outage.
    const replica = new aws.dynamodb.TableReplica(
      `${name}-${table.role}Replica`,
      {
        globalTableArn: args.homeTableArns![table.tableName],
        kmsKeyArn: args.kmsKeyArn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        tags,
      },
      { parent, protect: protectReplicas, ignoreChanges: outOfBandProperties(REPLICA_TYPE) },
    );
    replicas.push(replica);
    return replica.arn;
  });

  const entry = (table: PlannedTable, tableArn: string): GlobalTableEntry => ({
    tableName: table.tableName,
    tableArn,
    partitionKey: table.partitionKey,
    partitionKeyType: table.partitionKeyType,
    ...(table.sortKey !== undefined
      ? { sortKey: table.sortKey, sortKeyType: table.sortKeyType ?? "S" }
      : {}),
  });
  const configured = planned.flatMap((t, i) =>
    t.control ? [] : [arns[i].apply((a) => entry(t, a))],
  );
  const controlIndex = planned.findIndex((t) => t.control);
  const control = planned[controlIndex];
  return {
    homeTables,
    replicas,
    tables: pulumi.all(configured),
    controlTable: arns[controlIndex].apply((tableArn) => ({
      tableName: control.tableName,
      tableArn,
      partitionKey: control.partitionKey,
      partitionKeyType: control.partitionKeyType,
    })),
  };
}

function createHomeTable(
  name: string,
  table: PlannedTable,
  kmsKeyArn: pulumi.Input<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  const attributes = [{ name: table.partitionKey, type: table.partitionKeyType }];
  if (table.sortKey !== undefined)
    attributes.push({ name: table.sortKey, type: table.sortKeyType! });
  return new aws.dynamodb.Table(
    `${name}-${table.role}Table`,
    {
      name: table.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: table.partitionKey,
      rangeKey: table.sortKey,
      attributes,
      // Global tables replicate from the stream; both images are required.
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn },
      deletionProtectionEnabled: true,
      tags,
    },
    // Joiners add replicas from their own stacks; the table must not try to remove them.
    { parent, protect: true, ignoreChanges: outOfBandProperties(TABLE_TYPE) },
  );
}

/**
 * A cell's DynamoDB global tables plus the DR control table. The home cell creates them
 * (protected); a joiner replicates each into its region with PITR and its own KMS key.
 */
export class GlobalTables extends pulumi.ComponentResource {
  /** The configured tables with this region's ARNs (the control table is not listed). */
  readonly tables: pulumi.Output<GlobalTableEntry[]>;
  /** The DR control table (partition key `pk`, type S) used for write fences. */
  readonly controlTable: pulumi.Output<Omit<GlobalTableEntry, "sortKey">>;

  constructor(name: string, args: GlobalTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:dynamodb:GlobalTables", name, {}, opts);
    const out = createGlobalTables(name, args, this);
    this.tables = out.tables;
    this.controlTable = out.controlTable;
    this.registerOutputs({ tables: this.tables, controlTable: this.controlTable });
  }
}
