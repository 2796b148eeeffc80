import * as assert from "assert";
import { Dynalite, HungEndpoint, clientFor, TABLE } from "./testing/servers";
import { Heartbeat, WriteAdmission } from ".";

const US = "us-east-1";
const EU = "eu-west-1";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("admission: Heartbeat", function () {
  this.timeout(10_000);
  let db: Dynalite;

  before(async () => {
    db = await Dynalite.start();
    await db.createControlTable();
  });
  after(async () => {
    await db.close();
  });

  it("writes heartbeat#<region> = {region, at} in its own region", async () => {
    const hb = new Heartbeat({
      region: EU,
      tableName: TABLE,
      dynamodb: db.client(EU),
      now: () => 1234,
    });
    assert.strictEqual(await hb.beat(), true);
    assert.deepStrictEqual(await db.get(`heartbeat#${EU}`), {
      pk: { S: `heartbeat#${EU}` },
      region: { S: EU },
      at: { N: "1234" },
    });
  });

  it("never moves a heartbeat back: an instance with an older clock leaves the newer one", async () => {
    const ahead = new Heartbeat({
      region: EU,
      tableName: TABLE,
      dynamodb: db.client(EU),
      now: () => 5000,
    });
    const behind = new Heartbeat({
      region: EU,
      tableName: TABLE,
      dynamodb: db.client(EU),
      now: () => 4000,
    });
    assert.strictEqual(await ahead.beat(), true);
    assert.strictEqual(await behind.beat(), true, "superseded counts as done, not as a failure");
    assert.strictEqual(behind.failures, 0);
    assert.deepStrictEqual((await db.get(`heartbeat#${EU}`))?.at, { N: "5000" });
  });

  it("beats every intervalMs once started, and stops", async () => {
    const hb = new Heartbeat({
      region: EU,
      tableName: TABLE,
      dynamodb: db.client(EU),
      intervalMs: 50,
    });
    hb.start();
    await sleep(400);
    await hb.stop();
    const beats = hb.beats;
    assert.ok(beats >= 4 && beats <= 10, `${beats} beats in 400 ms at 50 ms`);
    const at = Number((await db.get(`heartbeat#${EU}`))?.at?.N);
    assert.ok(Date.now() - at < 200, "the stored heartbeat is fresh");
    await sleep(150);
    assert.strictEqual(hb.beats, beats, "no beat after stop()");
  });

  it("a failing or hanging table costs a beat, bounded by its timeout, and is reported", async () => {
    const hung = await HungEndpoint.start();
    const client = clientFor(hung.endpoint, EU);
    const errors: unknown[] = [];
    try {
      const hb = new Heartbeat({
        region: EU,
        tableName: TABLE,
        dynamodb: client,
        timeoutMs: 200,
        onError: (e) => errors.push(e),
      });
      const started = Date.now();
      assert.strictEqual(await hb.beat(), false);
      assert.ok(Date.now() - started < 1000);
      assert.strictEqual(hb.failures, 1);
      assert.match(String(errors[0]), /did not answer within 200 ms/);
      const missing = new Heartbeat({
        region: EU,
        tableName: "no-such-table",
        dynamodb: db.client(EU),
      });
      assert.strictEqual(await missing.beat(), false);
    } finally {
      client.destroy();
      await hung.close();
    }
  });

  it("keeps the writer lease of its peers: the writer admits while the peer beats, not after", async () => {
    const clock = Date.now();
    await db.put({
      pk: { S: "writer" },
      region: { S: US },
      epoch: { N: "1" },
      updatedAt: { S: new Date(clock - 3_600_000).toISOString() },
    });
    const eu = new Heartbeat({
      region: EU,
      tableName: TABLE,
      dynamodb: db.client(EU),
      intervalMs: 50,
    });
    eu.start();
    const writer = new WriteAdmission({
      region: US,
      homeRegion: US,
      peers: [EU],
      tableName: TABLE,
      dynamodb: db.client(US),
      databaseWritable: () => Promise.resolve(true),
      leaseSeconds: 0.3,
      cacheMs: 0,
    });
    try {
      await sleep(100);
      const d = await writer.check();
      assert.strictEqual(d.admit, true, d.reason);
      await eu.stop();
      await sleep(400);
      const after = await writer.check();
      assert.strictEqual(after.condition, "lease", after.reason);
    } finally {
      await eu.stop();
    }
  });
});
