import { strict as assert } from "assert";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { createStreamProcessor, STREAM_EVENT_SOURCE, tableNameOf } from "./streamProcessor";
import type { TopicPublisher } from "./streamProcessor";
import { canonicalJson, streamEventId } from "./eventId";

const streamArn = (region: string, label: string) =>
  `arn:aws:dynamodb:${region}:123456789012:table/shop-orders/stream/${label}`;

function rec(
  seq: number,
  id: string,
  opts: { region?: string; label?: string; total?: number; eventName?: "INSERT" | "MODIFY" } = {},
): DynamoDBRecord {
  const region = opts.region ?? "us-east-1";
  return {
    eventID: `ev-${region}-${seq}`,
    eventName: opts.eventName ?? "INSERT",
    awsRegion: region,
    eventSource: "aws:dynamodb",
    eventSourceARN: streamArn(region, opts.label ?? "2026-01-01T00:00:00.000"),
    dynamodb: {
      SequenceNumber: String(1000 + seq),
      ApproximateCreationDateTime: 1_700_000_000 + seq,
      Keys: { pk: { S: `order#${id}` }, sk: { S: "v" } },
      NewImage: {
        pk: { S: `order#${id}` },
        sk: { S: "v" },
        total: { N: String(opts.total ?? 10) },
        version: { N: "1" },
      },
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}
const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

interface Fakes {
  putCalls: PutEventsCommand["input"][];
  published: Parameters<TopicPublisher["publish"]>[0][];
  /** Entry index (over all entries ever put) that EventBridge rejects. */
  rejectEntry?: number;
  throwOnPut?: number;
  failPublishFor?: string;
}

function processor(f: Fakes, region = "us-east-1") {
  let entriesSeen = 0;
  return createStreamProcessor({
    events: {
      send: (async (command: PutEventsCommand) => {
        const input = command.input;
        f.putCalls.push(input);
        if (f.throwOnPut === f.putCalls.length) throw new Error("throttled");
        const entries = input.Entries!.map((_, i) => {
          const n = entriesSeen + i;
          return n === f.rejectEntry
            ? { ErrorCode: "InternalFailure", ErrorMessage: "try again" }
            : { EventId: `eb-${n}` };
        });
        entriesSeen += entries.length;
        return {
          FailedEntryCount: entries.filter((e) => "ErrorCode" in e).length,
          Entries: entries,
        };
      }) as never,
    },
    topic: {
      publish: async (input) => {
        if (f.failPublishFor && input.Message.includes(f.failPublishFor)) {
          throw new Error("sns down");
        }
        f.published.push(input);
        return {};
      },
    },
    busName: "shop-use1-bus",
    topicArn: "arn:aws:sns:us-east-1:123456789012:shop-use1-events",
    region,
    log: () => undefined,
  });
}
const fresh = (): Fakes => ({ putCalls: [], published: [] });

describe("functions/streamProcessor", () => {
  it("puts one event and publishes one message per record, in stream order", async () => {
    const f = fresh();
    const out = await processor(f)(event(rec(1, "a"), rec(2, "b")));
    assert.deepEqual(out.batchItemFailures, []);
    assert.equal(f.putCalls.length, 1);
    const entries = f.putCalls[0].Entries!;
    assert.deepEqual(
      entries.map((e) => [e.EventBusName, e.Source, e.DetailType]),
      [
        ["shop-use1-bus", STREAM_EVENT_SOURCE, "shop-orders INSERT"],
        ["shop-use1-bus", STREAM_EVENT_SOURCE, "shop-orders INSERT"],
      ],
    );
    const details = entries.map((e) => JSON.parse(e.Detail!));
    assert.deepEqual(
      details.map((d) => d.keys.pk.S),
      ["order#a", "order#b"],
    );
    assert.deepEqual(
      f.published.map((p) => p.MessageAttributes.eventId.StringValue),
      details.map((d) => d.eventId),
    );
  });

  it("gives the same write the same event id in every replica's stream, and different writes different ids", async () => {
    const home = fresh();
    const peer = fresh();
    await processor(home, "us-east-1")(event(rec(1, "a")));
    // The replicated copy: another region, stream label and sequence number.
    const replicated = rec(77, "a", { region: "eu-west-1", label: "2026-02-02T00:00:00.000" });
    await processor(peer, "eu-west-1")(event(replicated));
    const idOf = (f: Fakes) => JSON.parse(f.putCalls[0].Entries![0].Detail!).eventId;
    assert.equal(idOf(home), idOf(peer));

    const other = fresh();
    await processor(other)(event(rec(1, "a", { total: 11 })));
    assert.notEqual(idOf(other), idOf(home));
    const modified = fresh();
    await processor(modified)(event(rec(1, "a", { eventName: "MODIFY" })));
    assert.notEqual(idOf(modified), idOf(home));
  });

  it("batches PutEvents by 10 entries", async () => {
    const f = fresh();
    const records = Array.from({ length: 25 }, (_, i) => rec(i, `k${i}`));
    const out = await processor(f)(event(...records));
    assert.deepEqual(out.batchItemFailures, []);
    assert.deepEqual(
      f.putCalls.map((c) => c.Entries!.length),
      [10, 10, 5],
    );
    assert.equal(f.published.length, 25);
  });

  it("reports the first record EventBridge rejected and stops there (retry resumes from it)", async () => {
    const f = { ...fresh(), rejectEntry: 13 };
    const records = Array.from({ length: 25 }, (_, i) => rec(i, `k${i}`));
    const out = await processor(f)(event(...records));
    assert.deepEqual(out.batchItemFailures, [
      { itemIdentifier: records[13].dynamodb!.SequenceNumber },
    ]);
    // The first chunk and the records before the rejected one were delivered, nothing after.
    assert.equal(f.putCalls.length, 2);
    assert.equal(f.published.length, 13);
  });

  it("reports the chunk's first record when PutEvents fails outright", async () => {
    const f = { ...fresh(), throwOnPut: 1 };
    const out = await processor(f)(event(rec(1, "a"), rec(2, "b")));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "1001" }]);
    assert.equal(f.published.length, 0);
  });

  it("reports the record whose SNS publish failed", async () => {
    const f = { ...fresh(), failPublishFor: "order#b" };
    const out = await processor(f)(event(rec(1, "a"), rec(2, "b"), rec(3, "c")));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "1002" }]);
  });

  it("reports an unreadable record rather than skipping it", async () => {
    const f = fresh();
    const bad = rec(2, "b");
    delete bad.dynamodb!.Keys;
    const out = await processor(f)(event(rec(1, "a"), bad));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "1001" }]);
  });

  it("reads the table name from the stream ARN", () => {
    assert.equal(tableNameOf(streamArn("us-east-1", "x")), "shop-orders");
    assert.throws(() => tableNameOf("arn:aws:sqs:us-east-1:1:q"), /not a DynamoDB stream ARN/);
  });

  it("hashes items independently of attribute order", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: 2, c: 3 } }),
      canonicalJson({ a: { c: 3, d: 2 }, b: 1 }),
    );
    const base = { tableName: "t", eventName: "INSERT", oldImage: undefined };
    assert.equal(
      streamEventId({
        ...base,
        keys: { a: { S: "1" } },
        newImage: { x: { N: "1" }, y: { S: "2" } },
      }),
      streamEventId({
        ...base,
        keys: { a: { S: "1" } },
        newImage: { y: { S: "2" }, x: { N: "1" } },
      }),
    );
  });
});
