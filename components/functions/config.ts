import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DrConfig } from "../../config";
import { InputValidationError } from "../../validation/issues";
import { globalName, type CellIdentity } from "../naming";
import { CONTROL_TABLE } from "../dynamodb/plan";
import type { CellFunctionsArgs } from "./functions";

interface TableEntry {
  tableName: string;
  tableArn: string;
}

/**
 * The CellFunctions args of a cell from its validated config (`dr:functions`, `dr:queue`) and
 * its other components. The tables are checked here, before anything is created.
 */
export function cellFunctionsArgs(
  config: DrConfig,
  from: {
    kmsKeyArn: pulumi.Input<string>;
    queueArn: pulumi.Input<string>;
    tables: pulumi.Output<TableEntry[]>;
    controlTable: pulumi.Output<TableEntry>;
    /** The GlobalTables component: the stream lookup waits for its tables and replicas. */
    tablesResource: pulumi.Resource;
    /** The cell's identity (its name prefixes regional names). */
    identity: CellIdentity;
    events: CellFunctionsArgs["events"];
  },
): CellFunctionsArgs {
  const f = config.functions;
  const names = config.dynamodb.tables.map((t) => t.name);
  const pick = (key: "consumerTable" | "streamTable") => {
    const wanted = f[key] ?? names[0];
    const table = config.dynamodb.tables.find((t) => t.name === wanted);
    if (!table) {
      throw new InputValidationError(`Config of stack ${config.stackName}`, [
        {
          key: `dr:functions.${key}`,
          message: `'${wanted}' is not a table of dr:dynamodb.tables (${names.join(", ")}); set it to one of them, or leave it out for the first.`,
        },
      ]);
    }
    return table;
  };
  const consumer = pick("consumerTable");
  if (consumer.partitionKeyType !== "S" || (consumer.sortKey && consumer.sortKeyType !== "S")) {
    throw new InputValidationError(`Config of stack ${config.stackName}`, [
      {
        key: "dr:functions.consumerTable",
        message: `'${consumer.name}' has a key attribute that is not a string (S); the queue consumer writes string keys from the message, so choose a table whose partitionKeyType (and sortKeyType) is S.`,
      },
    ]);
  }
  const stream = pick("streamTable");
  const arnOf = (physical: string) =>
    from.tables.apply((list) => {
      const found = list.find((t) => t.tableName === physical);
      if (!found) throw new Error(`the cell's tables do not include ${physical}`);
      return found.tableArn;
    });
  const consumerPhysical = globalName(config.app, consumer.name);
  const streamPhysical = globalName(config.app, stream.name);
  // Each replica has its own stream (its own label); no resource output carries a replica's,
  // so it is read in this region once the table or replica exists (unknown at a first preview).
  const streamArn = aws.dynamodb
    .getTableOutput({ name: streamPhysical }, { dependsOn: [from.tablesResource] })
    .apply((t) => {
      if (!t.streamArn) {
        throw new Error(
          `table ${streamPhysical} has no stream in ${config.region}; global tables need one (NEW_AND_OLD_IMAGES)`,
        );
      }
      return t.streamArn;
    });
  return {
    identity: from.identity,
    role: config.role,
    homeRegion: config.homeRegion,
    peerRegions: config.peers.map((p) => p.region),
    kmsKeyArn: from.kmsKeyArn,
    queue: {
      queueArn: from.queueArn,
      visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
      maxReceiveCount: config.queue.maxReceiveCount,
    },
    consumerTable: {
      tableName: consumerPhysical,
      tableArn: arnOf(consumerPhysical),
      partitionKey: consumer.partitionKey,
      ...(consumer.sortKey ? { sortKey: consumer.sortKey } : {}),
    },
    streamTable: { tableName: streamPhysical, tableArn: arnOf(streamPhysical), streamArn },
    controlTable: {
      tableName: globalName(config.app, CONTROL_TABLE),
      tableArn: from.controlTable.apply((t) => t.tableArn),
    },
    events: from.events,
    settings: f,
  };
}
