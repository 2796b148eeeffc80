import * as pulumi from "@pulumi/pulumi";
import type { DrConfig } from "../../config";
import { InputValidationError } from "../../validation/issues";
import { globalName, type CellIdentity } from "../naming";
import { CONTROL_TABLE } from "../dynamodb/plan";
import type { CellEventsArgs } from "./events";

interface TableEntry {
  tableName: string;
  tableArn: string;
}

/**
 * The CellEvents args of a cell from its validated config (`dr:events`) and the cell's other
 * components. The job table is checked here, before anything is created: it must be one of
 * `dr:dynamodb.tables` with a string partition key (the job id is a string).
 */
export function cellEventsArgs(
  config: DrConfig,
  from: {
    kmsKeyArn: pulumi.Input<string>;
    lakeBucketArn: pulumi.Input<string>;
    tables: pulumi.Output<TableEntry[]>;
    controlTable: pulumi.Output<TableEntry>;
    /** The cell's identity (its name prefixes regional names). */
    identity: CellIdentity;
  },
): CellEventsArgs {
  const e = config.events;
  const tableNames = config.dynamodb.tables.map((t) => t.name);
  const wanted = e.jobTable ?? tableNames[0];
  const table = config.dynamodb.tables.find((t) => t.name === wanted);
  if (!table) {
    throw new InputValidationError(`Config of stack ${config.stackName}`, [
      {
        key: "dr:events.jobTable",
        message: `'${wanted}' is not a table of dr:dynamodb.tables (${tableNames.join(", ")}); set it to one of them, or leave it out for the first.`,
      },
    ]);
  }
  if (table.partitionKeyType !== "S") {
    throw new InputValidationError(`Config of stack ${config.stackName}`, [
      {
        key: "dr:events.jobTable",
        message: `'${wanted}' has a partition key of type ${table.partitionKeyType}; the job workflow writes string job ids, so choose a table whose partitionKeyType is S.`,
      },
    ]);
  }
  const physical = globalName(config.app, table.name);
  return {
    identity: from.identity,
    homeRegion: config.homeRegion,
    peerRegions: config.peers.map((p) => p.region),
    kmsKeyArn: from.kmsKeyArn,
    lakeBucketArn: from.lakeBucketArn,
    controlTable: {
      tableName: globalName(config.app, CONTROL_TABLE),
      tableArn: from.controlTable.apply((t) => t.tableArn),
    },
    jobTable: {
      tableName: physical,
      // The ARN of this region's table or replica; the name is known now, so the definition is.
      tableArn: from.tables.apply((list) => {
        const found = list.find((t) => t.tableName === physical);
        if (!found) throw new Error(`the cell's tables do not include ${physical}`);
        return found.tableArn;
      }),
      partitionKey: table.partitionKey,
      sortKey: table.sortKey,
    },
    streamShards: e.streamShards,
    streamRetentionHours: e.streamRetentionHours,
    lakePrefix: e.lakePrefix,
    bufferSeconds: e.bufferSeconds,
    bufferMb: e.bufferMb,
    archiveRetentionDays: e.archiveRetentionDays,
    workflowLogLevel: e.workflowLogLevel,
    includeExecutionData: e.includeExecutionData,
    leaseSeconds: e.leaseSeconds,
  };
}
