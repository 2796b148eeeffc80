import * as assert from "assert";
import { sampleManifest } from "../../manifest/sample";
import { AdapterError } from "../adapters/types";
import { Kernel } from "./kernel";
import { Rng, sample } from "./rng";
import { Simulation } from "./simulation";

const manifests = () => [sampleManifest("us-east-1"), sampleManifest("eu-west-1")];
const sim = (seed = 1) => new Simulation({ manifests: manifests(), seed });
const USE1 = "us-east-1";
const EUW1 = "eu-west-1";

describe("simulator: kernel and randomness", () => {
  it("fires events in time order, ties in scheduling order, and skips cancelled ones", () => {
    const k = new Kernel();
    const seen: string[] = [];
    k.at(2, () => seen.push("b"));
    k.at(1, () => seen.push("a"));
    k.at(2, () => seen.push("c"));
    k.at(1.5, () => seen.push("x")).cancel();
    k.advanceTo(10);
    assert.deepStrictEqual(seen, ["a", "b", "c"]);
    assert.strictEqual(k.now, 10);
  });

  it("runs async code in virtual time: a 1-hour sleep takes no real time", async () => {
    const k = new Kernel();
    let woke = -1;
    const p = (async () => {
      await k.sleep(3600);
      woke = k.now;
    })();
    let done = false;
    void p.then(() => (done = true));
    await k.runUntil(() => done);
    assert.strictEqual(woke, 3600);
  });

  it("refuses to hang when async code waits on something outside the simulator", async () => {
    const k = new Kernel();
    await assert.rejects(
      k.runUntil(() => false),
      /simulation stalled/,
    );
  });

  it("gives the same draws for the same seed and label, different ones otherwise", () => {
    const a = new Rng(42).fork("aurora");
    const b = new Rng(42).fork("aurora");
    const c = new Rng(42).fork("dynamodb");
    const draws = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const da = draws(a);
    assert.deepStrictEqual(da, draws(b));
    assert.notDeepStrictEqual(da, draws(c));
  });

  it("draws log-normal lags around the median with the configured tail", () => {
    const rng = new Rng(7);
    const d = { kind: "lognormal" as const, median: 0.5, p99: 1.5 };
    const xs = Array.from({ length: 20_000 }, () => sample(d, rng)).sort((x, y) => x - y);
    assert.ok(Math.abs(xs[10_000] - 0.5) < 0.03, `median ${xs[10_000]}`);
    assert.ok(Math.abs(xs[19_800] - 1.5) < 0.15, `p99 ${xs[19_800]}`);
  });
});

describe("simulator: stores", () => {
  it("replicates Aurora writes to the secondary after a lag, and holds them while partitioned", () => {
    const s = sim();
    s.kernel.advanceTo(1);
    assert.ok(s.aurora!.write(USE1, "k1"));
    assert.ok(!s.aurora!.has(EUW1, "k1"), "arrives only after the lag");
    s.kernel.advanceTo(10);
    assert.ok(s.aurora!.has(EUW1, "k1"));
    s.world.setCut(USE1, EUW1, true);
    s.aurora!.write(USE1, "k2");
    s.kernel.advanceTo(60);
    assert.ok(!s.aurora!.has(EUW1, "k2"), "held while the link is cut");
    assert.ok(s.aurora!.lagSeconds(EUW1)! > 40, "the lag metric grows");
    s.world.setCut(USE1, EUW1, false);
    s.kernel.advanceTo(70);
    assert.ok(s.aurora!.has(EUW1, "k2"), "delivered once the link is back");
    assert.ok(!s.aurora!.writable(EUW1), "a secondary refuses writes");
  });

  it("switches Aurora over with RPO 0: the source is read-only at once, the target gets every write", () => {
    const s = sim();
    s.kernel.advanceTo(5);
    for (let i = 0; i < 20; i++) s.aurora!.write(USE1, `k${i}`);
    const target = manifests()[1].stores.aurora!.clusterArn;
    s.aurora!.switchover(target);
    assert.ok(!s.aurora!.writable(USE1) && !s.aurora!.writable(EUW1));
    assert.strictEqual(s.aurora!.describe().failover?.isDataLossAllowed, false);
    s.kernel.advanceTo(400);
    assert.strictEqual(s.aurora!.primaryRegion(), EUW1);
    for (let i = 0; i < 20; i++) assert.ok(s.aurora!.has(EUW1, `k${i}`));
    assert.strictEqual(s.aurora!.describe().failover, undefined);
  });

  it("fails Aurora over with data loss; the old primary rejoins as a secondary when its region returns", () => {
    const s = sim();
    s.kernel.advanceTo(5);
    s.aurora!.write(USE1, "replicated");
    s.kernel.advanceTo(20);
    s.aurora!.write(USE1, "in-flight");
    s.world.setDown(USE1, true);
    s.aurora!.failoverTo(manifests()[1].stores.aurora!.clusterArn);
    const during = s.aurora!.describe();
    assert.strictEqual(during.status, "failing-over");
    assert.deepStrictEqual(
      { status: during.failover?.status, loss: during.failover?.isDataLossAllowed },
      { status: "failing-over", loss: true },
    );
    s.kernel.advanceTo(200);
    assert.strictEqual(s.aurora!.primaryRegion(), EUW1);
    assert.ok(s.aurora!.has(EUW1, "replicated"));
    assert.ok(!s.aurora!.has(EUW1, "in-flight"), "the write in flight is lost");
    s.world.setDown(USE1, false);
    assert.ok(!s.aurora!.writable(USE1), "the old primary never writes again");
    s.kernel.advanceTo(800);
    const member = s.aurora!.describe().members.find((m) => m.region === USE1)!;
    assert.deepStrictEqual(
      { writer: member.isWriter, sync: member.synchronizationStatus },
      { writer: false, sync: "connected" },
    );
    assert.ok(!s.aurora!.has(USE1, "in-flight"), "its unreplicated write is discarded on rejoin");
  });

  it("resolves concurrent DynamoDB writes by last writer wins, the same in every region", () => {
    const s = sim();
    const t = s.tables[0];
    s.kernel.advanceTo(1);
    t.put(USE1, "item", { v: "east" });
    s.kernel.advanceTo(1.01);
    t.put(EUW1, "item", { v: "west" });
    s.kernel.advanceTo(30);
    assert.strictEqual(t.get(USE1, "item")!.value.v, "west");
    assert.strictEqual(t.get(EUW1, "item")!.value.v, "west");
  });

  it("promotes an ElastiCache secondary after draining a reachable primary", () => {
    const s = sim();
    s.kernel.advanceTo(1);
    s.cache!.write(USE1, "c1");
    s.cache!.failover(EUW1, manifests()[1].stores.cache.replicationGroupId);
    assert.strictEqual(s.cache!.describe().status, "modifying");
    s.kernel.advanceTo(200);
    assert.strictEqual(s.cache!.primaryRegion(), EUW1);
    assert.ok(s.cache!.has(EUW1, "c1"));
  });
});

describe("simulator: traffic", () => {
  it("detects a region outage by its HTTPS check, and the writer name stays put (only the commands move it)", () => {
    const s = sim(3);
    s.kernel.advanceTo(60);
    assert.deepStrictEqual(s.traffic.writerAnswers(), [USE1]);
    s.world.setDown(USE1, true);
    s.kernel.advanceTo(60 + 10 * 3 - 10.001);
    assert.ok(s.traffic.cellOfRegion(USE1)!.httpsHealthy, "not before threshold - 1 intervals");
    s.kernel.advanceTo(60 + 10 * 3 + 10 + 10);
    assert.ok(!s.traffic.cellOfRegion(USE1)!.httpsHealthy);
    assert.deepStrictEqual(s.traffic.writerAnswers(), [USE1]);
    assert.strictEqual(s.traffic.dnsChanges.length, 0);
  });

  it("keeps canary clients on a cached answer for the TTL", () => {
    const s = sim(5);
    s.kernel.advanceTo(30);
    const before = s.workload.acked.length;
    assert.ok(before >= 50, `canaries write every second (${before})`);
    assert.ok(s.workload.acked.every((w) => w.region === USE1));
  });

  it("puts the witness region in the world: it fails and partitions, but runs no cell", () => {
    const s = sim();
    assert.deepStrictEqual(s.world.regions, [USE1, EUW1, "us-west-2"]);
    assert.deepStrictEqual(s.world.cells, [USE1, EUW1]);
    assert.deepStrictEqual(s.workload.acceptingRegions(), [USE1]);
  });
});

describe("simulator: adapters and sessions", () => {
  async function drive<T>(s: Simulation, p: Promise<T>): Promise<T> {
    let settled = false;
    const done = p.finally(() => (settled = true));
    done.catch(() => undefined);
    await s.kernel.runUntil(() => settled, 10_000);
    return p;
  }

  it("answers the engine's reads like AWS does", async () => {
    const s = sim();
    const a = s.newSession().adapters;
    const g = await drive(s, a.rds.describeGlobalCluster(EUW1, "shop-global"));
    assert.deepStrictEqual(
      g.members.map((m) => [m.region, m.isWriter]),
      [
        [USE1, true],
        [EUW1, false],
      ],
    );
    const control = await drive(s, a.dynamodb.readControl(EUW1, "shop-dr-control", [USE1, EUW1]));
    assert.strictEqual(control.writer?.region, USE1);
  });

  it("times out calls to a region that is down, as a transient error", async () => {
    const s = sim();
    s.world.setDown(USE1, true);
    const a = s.newSession().adapters;
    const started = s.kernel.now;
    const err = await drive(s, a.sts.callerIdentity(USE1)).catch((e: unknown) => e);
    assert.ok(
      err instanceof AdapterError && err.kind === "transient" && err.awsName === "TimeoutError",
    );
    assert.strictEqual(s.kernel.now - started, s.params.api.connectTimeoutSeconds);
  });

  it("throttles a browned-out region's calls with the AWS error names the engine retries", async () => {
    const s = sim(9);
    s.world.setApi(USE1, { failRate: 0.3, hangRate: 0, throttleRate: 0.3, slowFactor: 1 });
    const a = s.newSession().adapters;
    const names = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const e = await drive(s, a.sts.callerIdentity(USE1)).catch((x: AdapterError) => x);
      if (e instanceof AdapterError) names.add(e.awsName!);
    }
    assert.deepStrictEqual([...names].sort(), ["InternalFailure", "ThrottlingException"]);
  });

  it("keeps conditional control-table writes idempotent and refuses an older epoch", async () => {
    const s = sim();
    const a = s.newSession().adapters;
    const fence = { region: USE1, fenced: true, epoch: 2 };
    assert.deepStrictEqual(await drive(s, a.dynamodb.putFence(EUW1, "shop-dr-control", fence)), {
      outcome: "written",
    });
    assert.deepStrictEqual(await drive(s, a.dynamodb.putFence(EUW1, "shop-dr-control", fence)), {
      outcome: "written",
    });
    const older = await drive(
      s,
      a.dynamodb.putFence(EUW1, "shop-dr-control", { ...fence, fenced: false, epoch: 1 }),
    );
    assert.deepStrictEqual(older, { outcome: "superseded", currentEpoch: 2 });
  });

  it("freezes a crashed session: its calls and sleeps never return", async () => {
    const s = sim();
    const session = s.newSession();
    session.kill();
    let returned = false;
    void session.adapters.sts.callerIdentity(USE1).then(() => (returned = true));
    void session.clock.sleep(1000).then(() => (returned = true));
    s.kernel.advanceTo(100);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(returned, false);
  });
});
