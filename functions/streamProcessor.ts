import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type {
  DynamoDBBatchItemFailure,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from "aws-lambda";
import { streamEventId } from "./eventId";
import { ENV, Env, required } from "./settings";

/**
 * The stream processor: a DynamoDB table's stream -> one EventBridge event on the cell's bus and
 * one SNS message on the cell's topic per record, in stream order.
 *
 * It does not write to the stores, so it does not ask write admission: an event reports a write
 * that has already committed in this region's replica. Who emits is decided by the event
 * source mapping instead (writer-only: enabled in the writer cell, toggled by the failover
 * commands), and every event carries an id derived from the write (eventId.ts), identical in
 * every replica's stream, so the duplicates a failover can cause are detectable downstream.
 *
 * On a failure it reports the first record that was not fully delivered: Lambda retries from
 * that record (stream order is kept), bisects on repeated errors, and after the mapping's
 * retry bound sends the batch's position to the on-failure SQS destination.
 */

/** The EventBridge `source` of every event the stream processor puts (rules match on it). */
export const STREAM_EVENT_SOURCE = "dr.tables";
/** PutEvents takes at most 10 entries per call. */
const PUT_EVENTS_MAX = 10;

/** The slice of SNS the processor uses (the Lambda runtime's @aws-sdk/client-sns). */
export interface TopicPublisher {
  publish(input: {
    TopicArn: string;
    Message: string;
    MessageAttributes: Record<string, { DataType: "String"; StringValue: string }>;
  }): Promise<unknown>;
}

export interface StreamProcessorDeps {
  events: Pick<EventBridgeClient, "send">;
  topic: TopicPublisher;
  busName: string;
  topicArn: string;
  /** The region whose replica's stream this processor reads. */
  region: string;
  source?: string;
  log?: (entry: Record<string, unknown>) => void;
}

export interface StreamEventDetail {
  eventId: string;
  tableName: string;
  eventName: string;
  keys: Record<string, unknown>;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  /** The region whose stream emitted it (not part of the id). */
  emittedBy: string;
  sequenceNumber: string;
}

/** `arn:aws:dynamodb:<r>:<acct>:table/<name>/stream/<label>` -> `<name>`. */
export function tableNameOf(eventSourceARN: string | undefined): string {
  const m = /:table\/([^/]+)\/stream\//.exec(eventSourceARN ?? "");
  if (!m) throw new Error(`not a DynamoDB stream ARN: ${String(eventSourceARN)}`);
  return m[1];
}

export function detailOf(record: DynamoDBRecord, region: string): StreamEventDetail {
  const d = record.dynamodb;
  if (!d?.SequenceNumber || !d.Keys || !record.eventName) {
    throw new Error("the stream record has no sequence number, keys or event name");
  }
  const tableName = tableNameOf(record.eventSourceARN);
  return {
    eventId: streamEventId({
      tableName,
      eventName: record.eventName,
      keys: d.Keys,
      oldImage: d.OldImage,
      newImage: d.NewImage,
    }),
    tableName,
    eventName: record.eventName,
    keys: d.Keys,
    ...(d.NewImage ? { newImage: d.NewImage } : {}),
    ...(d.OldImage ? { oldImage: d.OldImage } : {}),
    emittedBy: region,
    sequenceNumber: d.SequenceNumber,
  };
}

export function createStreamProcessor(deps: StreamProcessorDeps) {
  const log = deps.log ?? ((e) => console.log(JSON.stringify(e)));
  const source = deps.source ?? STREAM_EVENT_SOURCE;

  /** Delivers one chunk; returns the index of the first record not delivered, or -1. */
  async function deliver(details: StreamEventDetail[]): Promise<number> {
    const entries: PutEventsRequestEntry[] = details.map((d) => ({
      EventBusName: deps.busName,
      Source: source,
      DetailType: `${d.tableName} ${d.eventName}`,
      Detail: JSON.stringify(d),
    }));
    let firstFailed = -1;
    try {
      const out = await deps.events.send(new PutEventsCommand({ Entries: entries }));
      const results = out.Entries ?? [];
      if ((out.FailedEntryCount ?? 0) > 0 || results.length !== entries.length) {
        firstFailed = results.findIndex((r) => !r.EventId || r.ErrorCode);
        if (firstFailed < 0) firstFailed = Math.min(results.length, entries.length - 1);
        log({
          msg: "PutEvents rejected entries",
          first: details[firstFailed]?.sequenceNumber,
          error: results[firstFailed]?.ErrorCode,
        });
      }
    } catch (e) {
      log({ msg: "PutEvents failed", error: `${(e as Error)?.name}: ${(e as Error)?.message}` });
      return 0;
    }
    const published = firstFailed < 0 ? details : details.slice(0, firstFailed);
    const outcomes = await Promise.allSettled(
      published.map((d) =>
        deps.topic.publish({
          TopicArn: deps.topicArn,
          Message: JSON.stringify(d),
          MessageAttributes: {
            eventId: { DataType: "String", StringValue: d.eventId },
            eventName: { DataType: "String", StringValue: d.eventName },
            tableName: { DataType: "String", StringValue: d.tableName },
          },
        }),
      ),
    );
    const publishFailed = outcomes.findIndex((o) => o.status === "rejected");
    if (publishFailed >= 0) {
      const reason = (outcomes[publishFailed] as PromiseRejectedResult).reason as Error;
      log({ msg: "Publish failed", error: `${reason?.name}: ${reason?.message}` });
      return publishFailed;
    }
    return firstFailed;
  }

  return async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const records = event.Records;
    const failures: DynamoDBBatchItemFailure[] = [];
    for (let start = 0; start < records.length; start += PUT_EVENTS_MAX) {
      const chunk = records.slice(start, start + PUT_EVENTS_MAX);
      let details: StreamEventDetail[];
      try {
        details = chunk.map((r) => detailOf(r, deps.region));
      } catch (e) {
        // A record we cannot read: retry from this chunk; bisection isolates it, and the retry
        // bound sends its position to the on-failure destination.
        log({ msg: "unreadable stream record", error: (e as Error).message });
        failures.push({ itemIdentifier: firstSequence(chunk) });
        break;
      }
      const failedAt = await deliver(details);
      if (failedAt >= 0) {
        // Lambda retries from this record on; everything before it is checkpointed.
        failures.push({ itemIdentifier: details[failedAt].sequenceNumber });
        break;
      }
    }
    return { batchItemFailures: failures };
  };
}

function firstSequence(chunk: DynamoDBRecord[]): string {
  return chunk.find((r) => r.dynamodb?.SequenceNumber)?.dynamodb?.SequenceNumber ?? "";
}

/**
 * SNS through the Lambda runtime's SDK: @aws-sdk/client-sns is not a dependency of this repo
 * (nothing else needs it), and the bundle leaves every @aws-sdk/* import to the runtime.
 */
function snsPublisher(region: string): TopicPublisher {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sns = require("@aws-sdk/client-sns") as {
    SNSClient: new (c: { region: string }) => { send(command: unknown): Promise<unknown> };
    PublishCommand: new (input: unknown) => unknown;
  };
  const client = new sns.SNSClient({ region });
  return { publish: (input) => client.send(new sns.PublishCommand(input)) };
}

export function streamProcessorFromEnv(env: Env) {
  // Every setting before any client: a missing one is named, not a module error.
  const region = required(env, ENV.region);
  const busName = required(env, ENV.busName);
  const topicArn = required(env, ENV.topicArn);
  return createStreamProcessor({
    events: new EventBridgeClient({ region }),
    topic: snsPublisher(region),
    busName,
    topicArn,
    region,
    ...(env[ENV.eventSource] ? { source: env[ENV.eventSource] } : {}),
  });
}

let production: ReturnType<typeof createStreamProcessor> | undefined;

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  production ??= streamProcessorFromEnv(process.env);
  return production(event);
};
