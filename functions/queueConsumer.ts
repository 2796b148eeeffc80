import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { WriteAdmission } from "../admission";
import type { CheckedDecision } from "../admission";
import { admissionSettings, ENV, Env, required } from "./settings";

/**
 * The queue consumer: SQS -> DynamoDB, one conditional PutItem per message.
 *
 * - Write admission first (admission/): in a fenced or non-writer region nothing is written and
 *   every message of the batch is returned to the queue (reported as a batch item failure).
 * - A message it cannot process (not JSON, no key, no version) is reported as a failure too:
 *   after the queue's maxReceiveCount it moves to the dead-letter queue, never dropped.
 * - Idempotent: the item carries the message's `version`; the write is conditional on the
 *   item being absent or older, so a redelivered or out-of-order message changes nothing.
 *
 * Message body: a JSON object with the table's key attributes (strings), `version` (a positive
 * whole number, increasing per key) and any other attributes.
 */

export interface TableKeys {
  tableName: string;
  partitionKey: string;
  sortKey?: string;
}

export interface QueueConsumerDeps {
  admission: Pick<WriteAdmission, "check">;
  dynamodb: Pick<DynamoDBClient, "send">;
  table: TableKeys;
  /** Stamped on each item (`writtenRegion`), for audits after a failover. */
  region: string;
  log?: (entry: Record<string, unknown>) => void;
}

/** A message that can never be written as it is: reported, so it reaches the DLQ. */
export class BadMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadMessageError";
  }
}

export interface ParsedMessage {
  item: Record<string, unknown>;
  version: number;
}

export function parseMessage(record: Pick<SQSRecord, "body">, table: TableKeys): ParsedMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new BadMessageError("the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadMessageError("the body is not a JSON object");
  }
  const item = body as Record<string, unknown>;
  for (const key of [table.partitionKey, table.sortKey]) {
    if (key === undefined) continue;
    if (typeof item[key] !== "string" || (item[key] as string).length === 0) {
      throw new BadMessageError(`key attribute '${key}' is missing or not a non-empty string`);
    }
  }
  const version = item.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new BadMessageError("'version' must be a positive whole number");
  }
  return { item, version };
}

export function createQueueConsumer(deps: QueueConsumerDeps) {
  const log = deps.log ?? ((e) => console.log(JSON.stringify(e)));
  const { table } = deps;

  async function write(record: SQSRecord): Promise<"written" | "stale"> {
    const { item, version } = parseMessage(record, table);
    try {
      await deps.dynamodb.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: marshall(
            { ...item, writtenRegion: deps.region, messageId: record.messageId },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: "attribute_not_exists(#pk) OR #version < :version",
          ExpressionAttributeNames: { "#pk": table.partitionKey, "#version": "version" },
          ExpressionAttributeValues: { ":version": { N: String(version) } },
        }),
      );
      return "written";
    } catch (e) {
      // The item already holds this version or a newer one: this message is done.
      if (e instanceof ConditionalCheckFailedException) return "stale";
      if ((e as Error)?.name === "ConditionalCheckFailedException") return "stale";
      throw e;
    }
  }

  return async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
    const failures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      // Per message, not per batch: the decision is cached for at most a second, so a long
      // batch still stops within that second of a fence.
      const decision: CheckedDecision = await deps.admission.check();
      if (!decision.admit) {
        log({
          msg: "write not admitted; message returned to the queue",
          messageId: record.messageId,
          condition: decision.condition,
          reason: decision.reason,
        });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        const outcome = await write(record);
        log({ msg: outcome, messageId: record.messageId });
      } catch (e) {
        const err = e as Error;
        log({
          msg: err instanceof BadMessageError ? "bad message" : "write failed",
          messageId: record.messageId,
          error: `${err?.name}: ${err?.message}`,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

/** The production wiring: clients for this region, settings from the environment. */
export function queueConsumerFromEnv(env: Env) {
  const settings = admissionSettings(env);
  const dynamodb = new DynamoDBClient({ region: settings.region });
  const sortKey = env[ENV.sortKey];
  return createQueueConsumer({
    admission: new WriteAdmission({
      region: settings.region,
      homeRegion: settings.homeRegion,
      peers: settings.peers,
      tableName: settings.controlTable,
      dynamodb,
      // The consumer writes DynamoDB only: no relational database to ask.
      databaseWritable: async () => true,
      ...(settings.leaseSeconds !== undefined ? { leaseSeconds: settings.leaseSeconds } : {}),
    }),
    dynamodb,
    region: settings.region,
    table: {
      tableName: required(env, ENV.tableName),
      partitionKey: required(env, ENV.partitionKey),
      ...(sortKey ? { sortKey } : {}),
    },
  });
}

let production: ReturnType<typeof createQueueConsumer> | undefined;

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  production ??= queueConsumerFromEnv(process.env);
  return production(event);
};
