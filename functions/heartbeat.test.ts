import { strict as assert } from "assert";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { WriteAdmission } from "../admission";
import { Dynalite, items, TABLE } from "../admission/testing/servers";
import { heartbeatSettings, HEARTBEAT_ENV, runHeartbeat, DEADLINE_MARGIN_MS } from "./heartbeat";
import { createQueueConsumer } from "./queueConsumer";

/*
 * The heartbeat function against dynalite (a real DynamoDB implementation), and the queue
 * consumer's real WriteAdmission reading what it wrote: the consumer writes only while every
 * peer's heartbeat function runs, and refuses again one lease after any of them stops.
 */

const HOME = "us-east-1";
const PEERS = ["eu-west-1", "ap-southeast-2", "us-west-2"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that records the `at` of every heartbeat PutItem before sending it. */
function recording(client: DynamoDBClient): { client: DynamoDBClient; writes: number[] } {
  const writes: number[] = [];
  const wrapped = {
    send: (command: unknown, options?: unknown) => {
      if (command instanceof PutItemCommand) writes.push(Number(command.input.Item!.at.N));
      return (client.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
    },
  } as unknown as DynamoDBClient;
  return { client: wrapped, writes };
}

describe("functions/heartbeat (dynalite)", function () {
  this.timeout(20_000);
  let db: Dynalite;
  let tableCount = 0;
  const newControlTable = async () => {
    const name = `${TABLE}-${++tableCount}`;
    await db.createControlTable(name);
    return name;
  };

  before(async () => {
    db = await Dynalite.start();
  });
  after(async () => db.close());

  it("writes heartbeat#<region> every intervalMs and stops by the end of its run", async () => {
    const table = await newControlTable();
    const { client, writes } = recording(db.client(PEERS[0]));
    const logs: Record<string, unknown>[] = [];
    const started = Date.now();
    const result = await runHeartbeat({
      region: PEERS[0],
      tableName: table,
      dynamodb: client,
      intervalMs: 100,
      runMs: 1000,
      log: (e) => logs.push(e),
    });
    const ended = Date.now();
    assert.ok(ended - started >= 1000 && ended - started < 1300, `ran ${ended - started} ms`);
    assert.ok(
      writes.length >= 8 && writes.length <= 11,
      `${writes.length} beats in 1000 ms at 100 ms`,
    );
    // Every write sent is accounted for (a beat slower than its 100 ms bound counts as failed).
    assert.equal(result.beats + result.failures, writes.length);
    assert.ok(result.beats >= writes.length - 1, `${result.failures} failed`);
    // At the interval: no gap between consecutive beats much longer than 100 ms.
    const gaps = writes.slice(1).map((at, i) => at - writes[i]);
    assert.ok(Math.max(...gaps) < 200, `gaps ${gaps.join(",")}`);
    const stored = await db.get(`heartbeat#${PEERS[0]}`, table);
    assert.deepEqual(stored, {
      pk: { S: `heartbeat#${PEERS[0]}` },
      region: { S: PEERS[0] },
      at: { N: String(writes[writes.length - 1]) },
    });
    // Stopped: nothing more is written once the run has returned.
    await sleep(200);
    assert.equal(writes.length, result.beats);
    assert.equal(logs.at(-1)?.msg, "heartbeat run ended");
  });

  it("ends DEADLINE_MARGIN_MS before Lambda's deadline when that comes first", async () => {
    const table = await newControlTable();
    const started = Date.now();
    const deadline = started + DEADLINE_MARGIN_MS + 200;
    const result = await runHeartbeat({
      region: PEERS[1],
      tableName: table,
      dynamodb: db.client(PEERS[1]),
      intervalMs: 50,
      runMs: 60_000,
      remainingMs: () => deadline - Date.now(),
      log: () => {},
    });
    assert.ok(result.ranMs >= 180 && result.ranMs < 400, `ran ${result.ranMs} ms`);
    assert.ok(result.beats >= 3);
  });

  it("a run that writes nothing fails (the function's Errors metric shows it)", async () => {
    await assert.rejects(
      runHeartbeat({
        region: PEERS[0],
        tableName: "no-such-table",
        dynamodb: db.client(PEERS[0]),
        intervalMs: 50,
        runMs: 150,
        log: () => {},
      }),
      /no heartbeat written for eu-west-1 .*peers refuse writes/,
    );
  });

  it("the settings come from the environment; a bad value names the variable", () => {
    const env = { AWS_REGION: "eu-west-1", DR_CONTROL_TABLE: "shop-dr-control" };
    assert.deepEqual(heartbeatSettings(env), {
      region: "eu-west-1",
      tableName: "shop-dr-control",
      intervalMs: 1000,
      runMs: 120_000,
    });
    assert.equal(heartbeatSettings({ ...env, [HEARTBEAT_ENV.intervalMs]: "250" }).intervalMs, 250);
    assert.throws(
      () => heartbeatSettings({ ...env, [HEARTBEAT_ENV.intervalMs]: "0" }),
      /DR_HEARTBEAT_INTERVAL_MS must be a positive whole number of ms, got '0'/,
    );
    assert.throws(() => heartbeatSettings({ AWS_REGION: "eu-west-1" }), /DR_CONTROL_TABLE/);
  });

  describe("the queue consumer's admission with the heartbeat functions running", () => {
    const LEASE_SECONDS = 1;

    async function consumerFor(table: string) {
      const client = db.client(HOME);
      await db.put(items.writer(HOME, Date.now() - 60_000), table);
      await db.put(items.fence(HOME, false), table);
      const admission = new WriteAdmission({
        region: HOME,
        homeRegion: HOME,
        peers: PEERS,
        tableName: table,
        dynamodb: client,
        databaseWritable: async () => true,
        leaseSeconds: LEASE_SECONDS,
        cacheMs: 0,
      });
      const orders = `orders-${table}`;
      await client.send(
        new CreateTableCommand({
          TableName: orders,
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      const logs: Record<string, unknown>[] = [];
      const handler = createQueueConsumer({
        admission,
        dynamodb: client,
        table: { tableName: orders, partitionKey: "pk" },
        region: HOME,
        log: (e) => logs.push(e),
      });
      let n = 0;
      /** One message; true when the consumer wrote it (not returned to the queue). */
      const consume = async (): Promise<boolean> => {
        const id = `m${++n}`;
        const event = {
          Records: [{ messageId: id, body: JSON.stringify({ pk: `o#${id}`, version: 1 }) }],
        } as unknown as SQSEvent;
        const out = await handler(event);
        return out.batchItemFailures.length === 0;
      };
      return { consume, logs };
    }

    const beating = (table: string, regions: string[], runMs: number) =>
      Promise.all(
        regions.map((region) =>
          runHeartbeat({
            region,
            tableName: table,
            dynamodb: db.client(region),
            intervalMs: 100,
            runMs,
            log: () => {},
          }),
        ),
      );

    it("admits exactly when every peer's heartbeat function runs (every subset of peers)", async () => {
      // Exhaustive over which peers run their heartbeat: 2^3 cases, a fresh table each.
      for (let mask = 0; mask < 1 << PEERS.length; mask++) {
        const running = PEERS.filter((_, i) => mask & (1 << i));
        const table = await newControlTable();
        const { consume, logs } = await consumerFor(table);
        const run = beating(table, running, 400);
        await sleep(150);
        const wrote = await consume();
        await run;
        const all = running.length === PEERS.length;
        assert.equal(wrote, all, `peers beating: [${running.join(",")}]`);
        if (!all) {
          const missing = PEERS.find((p) => !running.includes(p))!;
          const refusal = logs.find(
            (l) => l.msg === "write not admitted; message returned to the queue",
          );
          assert.equal(refusal?.condition, "lease");
          assert.match(String(refusal?.reason), new RegExp(`no heartbeat from ${missing}`));
        }
      }
    });

    it("refuses one lease after a peer's heartbeat stops, and writes again once it runs again", async () => {
      const table = await newControlTable();
      const { consume, logs } = await consumerFor(table);
      assert.equal(await consume(), false, "no heartbeats yet: a fresh deployment refuses");

      const [steady] = [beating(table, PEERS.slice(0, 2), 2500)];
      const stopping = beating(table, PEERS.slice(2), 300);
      await sleep(150);
      assert.equal(await consume(), true, "every peer heard within the lease");
      await stopping;
      await sleep(LEASE_SECONDS * 1000 + 200);
      assert.equal(await consume(), false, `${PEERS[2]} silent for longer than the lease`);
      assert.match(
        String(logs.at(-1)?.reason),
        new RegExp(`nothing heard from ${PEERS[2]} .*lease ${LEASE_SECONDS} s`),
      );

      const again = beating(table, PEERS.slice(2), 300);
      await sleep(150);
      assert.equal(await consume(), true, `${PEERS[2]}'s heartbeat is back`);
      await Promise.all([again, steady]);
    });
  });
});
