import { strict as assert } from "assert";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { WriteAdmission } from "../admission";
import { Dynalite, items, TABLE } from "../admission/testing/servers";
import { createQueueConsumer, parseMessage, queueConsumerFromEnv } from "./queueConsumer";

/*
 * The queue consumer against dynalite (a real DynamoDB implementation) with the real
 * WriteAdmission reading the control table: conditional writes, admission and partial batch
 * failures are the behaviours under test, so none of them is faked.
 */

const HOME = "us-east-1";
const PEER = "eu-west-1";
const ORDERS = "shop-orders";
const table = { tableName: ORDERS, partitionKey: "pk", sortKey: "sk" };

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {} as SQSRecord["attributes"],
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:${HOME}:123456789012:shop-use1-work`,
    awsRegion: HOME,
  };
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const order = (id: string, version: number, extra: Record<string, unknown> = {}) => ({
  pk: `order#${id}`,
  sk: "v",
  version,
  ...extra,
});

describe("functions/queueConsumer (dynalite, real admission)", () => {
  let db: Dynalite;
  let now = Date.now();

  const admissionIn = (region: string, client: DynamoDBClient) =>
    new WriteAdmission({
      region,
      homeRegion: HOME,
      peers: [HOME, PEER].filter((r) => r !== region),
      tableName: TABLE,
      dynamodb: client,
      databaseWritable: async () => true,
      cacheMs: 0,
      now: () => now,
    });
  const consumerIn = (region: string) => {
    const client = db.client(region);
    const logs: Record<string, unknown>[] = [];
    const handler = createQueueConsumer({
      admission: admissionIn(region, client),
      dynamodb: client,
      table,
      region,
      log: (e) => logs.push(e),
    });
    return { handler, logs };
  };
  const stored = async (id: string) => {
    const out = await db.client(HOME).send(
      new GetItemCommand({
        TableName: ORDERS,
        Key: { pk: { S: `order#${id}` }, sk: { S: "v" } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  };

  before(async () => {
    db = await Dynalite.start();
    await db.createControlTable();
    await db.client(HOME).send(
      new CreateTableCommand({
        TableName: ORDERS,
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(async () => db.close());

  beforeEach(async () => {
    now = Date.now();
    // The deployed state: the home region writes, both regions heard each other just now.
    await db.put(items.writer(HOME, now - 60_000));
    await db.put(items.fence(HOME, false));
    await db.put(items.fence(PEER, false));
    await db.put(items.heartbeat(HOME, now));
    await db.put(items.heartbeat(PEER, now));
  });

  it("writes each message once: a redelivery or an older version changes nothing and is not a failure", async () => {
    const { handler } = consumerIn(HOME);
    const first = await handler(batch(record("m1", order("1", 2, { total: 10 }))));
    assert.deepEqual(first.batchItemFailures, []);
    assert.deepEqual(await stored("1"), {
      pk: "order#1",
      sk: "v",
      version: 2,
      total: 10,
      writtenRegion: HOME,
      messageId: "m1",
    });

    // SQS delivers at least once: the same message again, then an older one.
    const again = await handler(
      batch(
        record("m1", order("1", 2, { total: 10 })),
        // A producer retry: the same version under another message id is not written again.
        record("m1-resent", order("1", 2, { total: 10 })),
        record("m0", order("1", 1, { total: 5 })),
      ),
    );
    assert.deepEqual(again.batchItemFailures, []);
    assert.equal((await stored("1"))!.total, 10);
    assert.equal((await stored("1"))!.messageId, "m1");

    const newer = await handler(batch(record("m3", order("1", 3, { total: 12 }))));
    assert.deepEqual(newer.batchItemFailures, []);
    assert.equal((await stored("1"))!.total, 12);
  });

  it("a fenced region writes nothing and returns every message to the queue", async () => {
    await db.put(items.fence(HOME, true, 2));
    const { handler, logs } = consumerIn(HOME);
    const out = await handler(batch(record("f1", order("f1", 1)), record("f2", order("f2", 1))));
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      ["f1", "f2"],
    );
    assert.equal(await stored("f1"), undefined);
    assert.equal(await stored("f2"), undefined);
    assert.ok(
      logs.some((l) => l.condition === "fence"),
      JSON.stringify(logs),
    );
  });

  it("a region that is not the writer writes nothing", async () => {
    const { handler, logs } = consumerIn(PEER);
    const out = await handler(batch(record("p1", order("p1", 1))));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "p1" }]);
    assert.equal(await stored("p1"), undefined);
    assert.ok(
      logs.some((l) => l.condition === "writer"),
      JSON.stringify(logs),
    );
  });

  it("the writer stops once its lease runs out (a peer unheard for longer than the lease)", async () => {
    await db.put(items.heartbeat(PEER, now - 10_000));
    const { handler } = consumerIn(HOME);
    const out = await handler(batch(record("l1", order("l1", 1))));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "l1" }]);
    assert.equal(await stored("l1"), undefined);
  });

  it("fails closed when the control table cannot be read", async () => {
    const client = db.client(HOME);
    const handler = createQueueConsumer({
      admission: new WriteAdmission({
        region: HOME,
        homeRegion: HOME,
        peers: [PEER],
        tableName: "no-such-table",
        dynamodb: client,
        databaseWritable: async () => true,
      }),
      dynamodb: client,
      table,
      region: HOME,
      log: () => undefined,
    });
    const out = await handler(batch(record("u1", order("u1", 1))));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "u1" }]);
    assert.equal(await stored("u1"), undefined);
  });

  it("reports a message it cannot process (so it reaches the DLQ) and writes the rest", async () => {
    const { handler, logs } = consumerIn(HOME);
    const out = await handler(
      batch(
        record("b1", "not json"),
        record("b2", order("b2", 1)),
        record("b3", { pk: "order#b3", sk: "v" }),
        record("b4", { sk: "v", version: 1 }),
      ),
    );
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      ["b1", "b3", "b4"],
    );
    assert.equal((await stored("b2"))!.version, 1);
    assert.equal(logs.filter((l) => l.msg === "bad message").length, 3);
  });

  it("reports a write DynamoDB rejects (here: a missing table) instead of dropping it", async () => {
    const client = db.client(HOME);
    const handler = createQueueConsumer({
      admission: admissionIn(HOME, client),
      dynamodb: client,
      table: { ...table, tableName: "shop-missing" },
      region: HOME,
      log: () => undefined,
    });
    const out = await handler(batch(record("x1", order("x1", 1))));
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: "x1" }]);
  });
});

describe("functions/queueConsumer parseMessage and settings", () => {
  it("names the problem with a message", () => {
    assert.throws(() => parseMessage({ body: "[]" }, table), /not a JSON object/);
    assert.throws(
      () => parseMessage({ body: JSON.stringify({ pk: "a", sk: "b", version: 0 }) }, table),
      /'version' must be a positive whole number/,
    );
    assert.throws(
      () => parseMessage({ body: JSON.stringify({ pk: "a", version: 1 }) }, table),
      /key attribute 'sk'/,
    );
    assert.equal(
      parseMessage(
        { body: JSON.stringify({ pk: "a", version: 4 }) },
        { ...table, sortKey: undefined },
      ).version,
      4,
    );
  });

  it("refuses to start without its settings, naming the variable", () => {
    assert.throws(
      () => queueConsumerFromEnv({ AWS_REGION: HOME, DR_PEER_REGIONS: PEER }),
      /DR_HOME_REGION is not set/,
    );
    assert.throws(
      () =>
        queueConsumerFromEnv({
          AWS_REGION: HOME,
          DR_HOME_REGION: HOME,
          DR_PEER_REGIONS: PEER,
          DR_CONTROL_TABLE: TABLE,
          DR_LEASE_SECONDS: "soon",
        }),
      /DR_LEASE_SECONDS must be a positive number/,
    );
  });
});
