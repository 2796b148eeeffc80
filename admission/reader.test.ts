import * as assert from "assert";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dynalite, HungEndpoint, clientFor, items, TABLE } from "./testing/servers";
import { MAX_CACHE_MS, WriteAdmission, WriteAdmissionOptions, WriteNotAdmittedError } from ".";

const US = "us-east-1";
const EU = "eu-west-1";
const AP = "ap-southeast-2";

/** Counts the requests a client sends. */
function counted(client: DynamoDBClient): { client: DynamoDBClient; sent: () => number } {
  let n = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      n++;
      return next(args);
    },
    { step: "initialize", name: "countRequests" },
  );
  return { client, sent: () => n };
}

describe("admission: WriteAdmission against DynamoDB (dynalite)", function () {
  this.timeout(10_000);
  let db: Dynalite;
  let clock: number;
  const now = () => clock;

  before(async () => {
    db = await Dynalite.start();
    await db.createControlTable();
  });
  after(async () => {
    await db.close();
  });

  /** The healthy state: us-east-1 recorded as writer an hour ago, unfenced, peers beating. */
  beforeEach(async () => {
    clock = Date.now();
    await db.put(items.writer(US, clock - 3_600_000));
    await db.put(items.fence(US, false));
    await db.put(items.heartbeat(EU, clock - 400));
    await db.put(items.heartbeat(AP, clock - 800));
  });

  function admission(overrides: Partial<WriteAdmissionOptions> = {}): WriteAdmission {
    return new WriteAdmission({
      region: US,
      homeRegion: US,
      peers: [EU, AP],
      tableName: TABLE,
      dynamodb: db.client(US),
      databaseWritable: () => Promise.resolve(true),
      now,
      ...overrides,
    });
  }

  it("admits when all four conditions hold, reading the items the runbooks write", async () => {
    const d = await admission().check();
    assert.strictEqual(d.admit, true, d.reason);
    assert.match(d.reason, /us-east-1 is the recorded writer \(epoch 1, run switchover-test-1\)/);
    // The admission is reused only while the closest peer lease lasts, at most cacheMs.
    assert.strictEqual(d.cachedUntilMs, Math.min(clock + 1000, clock - 800 + 3000));
  });

  it("condition 1: refuses when the writer item names another region", async () => {
    await db.put(items.writer(EU, clock - 1000, 2));
    const a = admission();
    const d = await a.check();
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "writer");
    assert.match(d.reason, /names eu-west-1 \(epoch 2, run switchover-test-2\), not us-east-1/);
    await assert.rejects(a.admitOrThrow(), (e: unknown) => {
      assert.ok(e instanceof WriteNotAdmittedError);
      assert.strictEqual(e.decision.condition, "writer");
      assert.strictEqual(e.retryAfterSeconds, 1);
      return true;
    });
  });

  it("condition 2: refuses when fence#<own region> is set", async () => {
    await db.put(items.fence(US, true, 2));
    const d = await admission().check();
    assert.strictEqual(d.condition, "fence");
    assert.match(d.reason, /us-east-1 is fenced/);
  });

  it("condition 3: refuses when the database is read-only, or its check fails or hangs", async () => {
    const ro = await admission({ databaseWritable: () => Promise.resolve(false) }).check();
    assert.strictEqual(ro.condition, "database");
    const failing = await admission({
      databaseWritable: () => Promise.reject(new Error("connection refused")),
    }).check();
    assert.strictEqual(failing.condition, "unavailable");
    assert.match(failing.reason, /fail closed.*connection refused/);
    const started = Date.now();
    const hanging = await admission({
      databaseWritable: () => new Promise<boolean>(() => undefined),
      timeoutMs: 200,
    }).check();
    assert.strictEqual(hanging.condition, "unavailable");
    assert.match(hanging.reason, /database writability check in us-east-1 did not answer/);
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  });

  it("condition 4: refuses when a peer's heartbeat is older than the lease", async () => {
    await db.put(items.heartbeat(EU, clock - 5_000));
    const d = await admission().check();
    assert.strictEqual(d.condition, "lease");
    assert.match(d.reason, /nothing heard from eu-west-1 for 5 s \(lease 3 s\)/);
    // ...unless this region was recorded as writer after that loss plus the lease.
    await db.put(items.writer(US, clock - 1_000, 2));
    assert.strictEqual((await admission().check()).admit, true);
    // A peer that never beat at all refuses too.
    const d2 = await admission({ peers: [EU, AP, "ap-northeast-1"] }).check();
    assert.strictEqual(d2.condition, "lease");
    assert.match(d2.reason, /no heartbeat from ap-northeast-1 has ever reached/);
  });

  it("no writer item: only the home region writes", async () => {
    const other = "dr-control-fresh";
    await db.createControlTable(other);
    await db.put(items.heartbeat(EU, clock), other);
    await db.put(items.heartbeat(AP, clock), other);
    await db.put(items.heartbeat(US, clock), other);
    const home = await admission({ tableName: other }).check();
    assert.strictEqual(home.admit, true, home.reason);
    const eu = await admission({
      tableName: other,
      region: EU,
      peers: [US, AP],
      dynamodb: db.client(EU),
    }).check();
    assert.strictEqual(eu.condition, "writer");
    assert.match(eu.reason, /only the home region us-east-1 writes/);
  });

  it("fails closed when the table is missing", async () => {
    const d = await admission({ tableName: "no-such-table" }).check();
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "unavailable");
    assert.match(d.reason, /ResourceNotFoundException/);
  });

  it("fails closed on a malformed item", async () => {
    await db.put({ pk: { S: "fence#us-east-1" }, fenced: { S: "false" } });
    const d = await admission().check();
    assert.strictEqual(d.condition, "unavailable");
    assert.match(d.reason, /no boolean fenced/);
  });

  it("fails closed when the client is for another region's replica", async () => {
    const d = await admission({ dynamodb: db.client(EU) }).check();
    assert.strictEqual(d.condition, "unavailable");
    assert.match(d.reason, /configured for eu-west-1, not us-east-1/);
  });

  it("fails closed within its timeout when the endpoint accepts and never answers", async () => {
    const hung = await HungEndpoint.start();
    const client = clientFor(hung.endpoint, US);
    try {
      const a = admission({ dynamodb: client, timeoutMs: 300 });
      const started = Date.now();
      const d = await a.check();
      const took = Date.now() - started;
      assert.strictEqual(d.admit, false);
      assert.strictEqual(d.condition, "unavailable");
      assert.match(d.reason, /did not answer within 300 ms/);
      assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
      await assert.rejects(a.admitOrThrow(), WriteNotAdmittedError);
    } finally {
      client.destroy();
      await hung.close();
    }
  });

  it("reuses a decision for at most cacheMs, then reads again", async () => {
    const { client, sent } = counted(db.client(US));
    const a = admission({ dynamodb: client, cacheMs: 500 });
    // Concurrent checks share one set of reads: writer, fence, one heartbeat per peer.
    const first = await Promise.all([a.check(), a.check(), a.check()]);
    assert.ok(first.every((d) => d.admit));
    assert.strictEqual(sent(), 4);
    await db.put(items.fence(US, true, 2));
    clock += 499;
    assert.strictEqual((await a.check()).admit, true, "cached: the fence is not read yet");
    assert.strictEqual(sent(), 4);
    clock += 1;
    const d = await a.check();
    assert.strictEqual(d.condition, "fence", "past cacheMs: read again, fenced");
    assert.strictEqual(sent(), 8);
  });

  it("never reuses an admission past the lease it rests on", async () => {
    await db.put(items.heartbeat(EU, clock - 2_800));
    const a = admission({ cacheMs: 2000 });
    const d = await a.check();
    assert.strictEqual(d.admit, true);
    assert.strictEqual(d.cachedUntilMs, clock + 200);
    clock += 200;
    assert.strictEqual((await a.check()).condition, "lease");
  });

  it("refuses settings that would break the contract, with the reason", () => {
    assert.throws(
      () => admission({ cacheMs: MAX_CACHE_MS + 1 }),
      /cacheMs must be between 0 and 2000 ms, got 2001: a decision cached longer could keep accepting writes/,
    );
    assert.throws(() => admission({ leaseSeconds: 0 }), /leaseSeconds must be a positive/);
    assert.throws(() => admission({ peers: [EU, US] }), /not us-east-1 itself/);
    assert.strictEqual(admission().cacheMs, 1000);
    assert.strictEqual(admission().leaseSeconds, 3);
  });
});
