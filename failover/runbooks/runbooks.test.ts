import { strict as assert } from "assert";
import fc from "fast-check";
import { ManualClock } from "../engine/clock";
import { MemoryJournalStore } from "../engine/journal";
import {
  CrashingJournal,
  FakeAws,
  freshManifests,
  resumeRunbook,
  runRunbook,
} from "../testing/harness";

const EU = "eu-west-1";
const US = "us-east-1";

function world(writer = US) {
  const clock = new ManualClock();
  const manifests = freshManifests(clock.now());
  const fake = new FakeAws(manifests, writer);
  return { clock, manifests, fake, adapters: fake.adapters() };
}

const startOf = (r: { steps: { id: string; startedAt?: number }[] }, id: string) =>
  r.steps.find((s) => s.id === id)!.startedAt!;
const endOf = (r: { steps: { id: string; finishedAt?: number }[] }, id: string) =>
  r.steps.find((s) => s.id === id)!.finishedAt!;

describe("runbooks against the fake AWS", () => {
  it("switchover moves every store, fences before promoting, never has two writers", async () => {
    const w = world();
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.equal(w.fake.auroraWriter, EU);
    assert.equal(w.fake.cachePrimary, EU);
    assert.deepEqual(w.fake.acceptingWrites(), [EU]);
    assert.deepEqual(w.fake.twoWriterMoments, []);
    assert.equal(w.fake.promotions.aurora, 1);
    // The source was fenced in its own region before Aurora was asked to switch over.
    assert.ok(endOf(result, "fence.source") <= startOf(result, "aurora.switchover"));
    const fenceWrite = w.fake.calls.findIndex((c) => c.op === "PutItem" && c.key !== "run");
    const switchCall = w.fake.calls.findIndex((c) => c.op === "SwitchoverGlobalCluster");
    assert.ok(fenceWrite >= 0 && fenceWrite < switchCall);
    assert.equal(w.fake.calls[fenceWrite].region, US);
    // Writer traffic: us-east-1's gate closed, eu-west-1's open, as Route 53 sees it.
    assert.equal(w.fake.writerCheckHealthy(w.manifests[0]), false);
    assert.equal(w.fake.writerCheckHealthy(w.manifests[1]), true);
    // The target opens only once the source is closed; unfence after that, verify last.
    assert.ok(endOf(result, "traffic.close") <= startOf(result, "traffic.open"));
    assert.ok(endOf(result, "traffic.open") <= startOf(result, "unfence.target"));
    assert.deepEqual(result.criticalPath.slice(-2), ["verify", "run.release"]);
  });

  it("independent steps overlap: drains and the traffic move run in parallel", async () => {
    const w = world();
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    const fenceEnd = endOf(result, "fence.source");
    for (const id of ["drain.aurora", "drain.dynamodb", "drain.msk", "traffic.close"]) {
      assert.equal(startOf(result, id), fenceEnd, `${id} starts as soon as the fence is in`);
    }
    // The cache is promoted only once every drain is done: promoting it while the fenced source
    // still replicates loses in-flight cache writes.
    const drained = Math.max(
      ...["drain.aurora", "drain.dynamodb", "drain.msk"].map((id) => endOf(result, id)),
    );
    assert.equal(startOf(result, "cache.failover"), drained);
    // The target is unfenced only after both the traffic move and the writer record.
    const unfence = startOf(result, "unfence.target");
    assert.ok(
      unfence >= endOf(result, "traffic.open") && unfence >= endOf(result, "writer.record"),
    );
    const pre = result.steps.filter((s) => s.id.startsWith("preflight."));
    assert.ok(pre.every((s) => s.startedAt === pre[0].startedAt));
  });

  it("failover never calls the failed region or Route 53, and uses AllowDataLoss", async () => {
    const w = world();
    w.fake.dead.add(US);
    const { result } = await runRunbook({ kind: "failover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(
      w.fake.calls.filter((c) => c.region === US),
      [],
    );
    assert.deepEqual(
      w.fake.calls.filter((c) => c.service === "Route53"),
      [],
    );
    assert.ok(w.fake.calls.some((c) => c.op === "FailoverGlobalCluster"));
    assert.ok(!w.fake.calls.some((c) => c.op === "SwitchoverGlobalCluster"));
    assert.equal(w.fake.auroraWriter, EU);
    // The old region stays fenced (as written from eu-west-1, replicated when it returns).
    assert.deepEqual(w.fake.acceptingWrites(), [EU]);
    const fence = w.fake.control.get(EU)!.get(`fence#${US}`) as { fenced: boolean };
    assert.equal(fence.fenced, true);
  });

  it("failback after a failover re-checks the fence, then switches back", async () => {
    const w = world();
    w.fake.dead.add(US);
    await runRunbook({ kind: "failover", to: EU, ...w, runId: "f1" });
    // The region returns; the control table catches up (the fake replicates on recovery).
    w.fake.dead.delete(US);
    for (const [pk, item] of w.fake.control.get(EU)!) w.fake.control.get(US)!.set(pk, { ...item });
    const { result } = await runRunbook({ kind: "failback", to: US, ...w, runId: "b1" });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.ok(result.steps.some((s) => s.id === "reprotect.fence" && s.result === "done"));
    assert.equal(w.fake.auroraWriter, US);
    assert.deepEqual(w.fake.acceptingWrites(), [US]);
    assert.deepEqual(w.fake.twoWriterMoments, []);
  });

  it("a lost SwitchoverGlobalCluster response is retried without a second request", async () => {
    const w = world();
    w.fake.promotionPolls = 10;
    w.fake.loseResponse("SwitchoverGlobalCluster");
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded");
    assert.equal(w.fake.calls.filter((c) => c.op === "SwitchoverGlobalCluster").length, 1);
    const step = result.steps.find((s) => s.id === "aurora.switchover")!;
    assert.equal(step.attempts, 2);
    assert.ok(
      step.notes.some((n) => /already failing-over; waiting for it/.test(n)),
      step.notes.join(),
    );
  });

  it("a switchover away from a degraded us-east-1 is not blocked by Route 53's API", async () => {
    const w = world();
    w.fake.fail("GetHealthCheckStatus", "ServiceUnavailable", 1000);
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    const notes = result.steps.flatMap((s) => s.notes).join("\n");
    assert.match(notes, /Route 53 health-check status unreadable .*not blocking/);
    assert.match(notes, /Route 53 status unreadable .*relying on the gates/);
    assert.equal(w.fake.writerCheckHealthy(w.manifests[1]), true);
  });

  it("a preflight refusal changes nothing", async () => {
    const w = world();
    w.fake.metrics.AuroraGlobalDBReplicationLag = 60_000;
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "failed");
    assert.equal(result.failure?.stepId, "preflight.aurora");
    assert.match(result.failure!.message, /lag to eu-west-1 is 60 s, over 5 s/);
    assert.deepEqual(w.fake.stateChanges(), []);
  });

  it("a run superseded by a newer epoch stops at the fence with the reason", async () => {
    const w = world();
    const topologyEpoch = 1;
    // Another operator's run moved the fence on after we planned.
    const items = w.fake.control.get(US)!;
    const origRead = w.adapters.dynamodb.readControl;
    let planned = false;
    w.adapters.dynamodb.readControl = async (...args) => {
      const r = await origRead(...args);
      if (!planned) {
        planned = true;
        items.set(`fence#${US}`, { region: US, fenced: false, epoch: topologyEpoch + 5 });
        w.fake.control.get(EU)!.set(`fence#${US}`, { region: US, fenced: false, epoch: 6 });
      }
      return r;
    };
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "failed");
    assert.equal(result.failure?.stepId, "fence.source");
    assert.match(
      result.failure!.message,
      /holds epoch 6 of run \?, not this run's \(switchover-1, epoch 2\): another run has acted since/,
    );
    assert.equal(w.fake.promotions.aurora, 0);
  });

  it("a cache that refuses to fail over degrades the run; the database and traffic still move", async () => {
    const w = world();
    w.fake.dead.add(US);
    w.fake.fail("FailoverGlobalReplicationGroup", "InvalidGlobalReplicationGroupState", 1000);
    const { result, journal } = await runRunbook({ kind: "failover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(
      result.degraded.map((d) => d.stepId),
      ["cache.failover"],
    );
    assert.match(result.degraded[0].message, /InvalidGlobalReplicationGroupState/);
    assert.match(result.degraded[0].impact, /aws elasticache failover-global-replication-group/);
    // One writer, and it accepts writes: the cache did not cost the service its writer.
    assert.equal(w.fake.auroraWriter, EU);
    assert.deepEqual(w.fake.acceptingWrites(), [EU]);
    assert.equal(w.fake.cachePrimary, US);
    assert.equal(result.steps.find((s) => s.id === "cache.failover")!.result, "degraded");
    // The journal records it as finished-but-degraded: nothing is left for a resume.
    assert.equal(journal.active(), undefined);
  });

  it("failover records the writer only once the failed region's writer lease ran out in the target", async () => {
    const w = world();
    w.fake.dead.add(US);
    // eu-west-1 last heard from us-east-1 just now (the services' heartbeat item).
    w.fake.heartbeats.set(EU, w.clock.now());
    const lostAt = w.clock.now();
    const { result } = await runRunbook({ kind: "failover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    const writer = result.steps.find((s) => s.id === "writer.record")!;
    // Default lease 3 s plus 1 s for the clocks: never written inside the old writer's lease.
    assert.ok(
      writer.finishedAt! >= lostAt + 4_000,
      `written at +${writer.finishedAt! - lostAt} ms`,
    );
    assert.match(
      writer.notes.join("\n"),
      /writer lease to run out as seen in eu-west-1 \(last heartbeat \+ 3 s\)/,
    );
    assert.deepEqual(w.fake.acceptingWrites(), [EU]);
  });

  it("drain.dynamodb: a quiet table (no ReplicationLatency at all) drains through its marker", async () => {
    const w = world();
    w.fake.metrics.ReplicationLatency = undefined;
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    const drain = result.steps.find((s) => s.id === "drain.dynamodb")!;
    assert.ok(drain.finishedAt! - drain.startedAt! < 5_000, "no 600 s wait for a datapoint");
    // Every table (the control table included) got a marker in the source, read in the target.
    const markers = [...w.fake.markers].filter((m) => m.startsWith(`${EU}|`));
    assert.equal(markers.length, w.manifests[1].stores.dynamodb.length + 1);
  });

  it("drain.dynamodb: a latency above the drain target that covers the fence holds the drain", async () => {
    const w = world();
    w.fake.metrics.ReplicationLatency = 3_000;
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "failed");
    assert.equal(result.failure?.stepId, "drain.dynamodb");
    assert.match(result.failure!.message, /latency 3.0 s > 1 s/);
    // The target is not recorded as writer while DynamoDB may still carry the source's writes.
    assert.ok(result.steps.find((s) => s.id === "writer.record")!.result === "not-run");
    assert.deepEqual(w.fake.acceptingWrites(), []);
  });

  for (const kind of ["switchover", "failover"] as const) {
    it(`${kind}: a crash at any journal write resumes to the same end state`, async () => {
      // Count the writes of an uninterrupted run first.
      const probe = world();
      if (kind === "failover") probe.fake.dead.add(US);
      const { journal } = await runRunbook({ kind, to: EU, ...probe });
      const total = journal.read(`${kind}-1`).length;
      assert.ok(total > 20);
      for (let crashAt = 2; crashAt <= total; crashAt++) {
        const w = world();
        if (kind === "failover") w.fake.dead.add(US);
        const inner = new MemoryJournalStore();
        const crashing = new CrashingJournal(inner, crashAt);
        await runRunbook({ kind, to: EU, ...w, journal: crashing }).then(
          () => undefined,
          () => undefined,
        );
        assert.ok(crashing.crashed, `crash at write ${crashAt}`);
        // Let anything the dead process had in flight settle, as AWS would.
        await new Promise((r) => setImmediate(r));
        if (!inner.active()) {
          continue; // crashed before the run-started event: nothing to resume
        }
        const resumed = await resumeRunbook({ ...w, journal: inner });
        assert.equal(
          resumed.status,
          "succeeded",
          `crash at ${crashAt}: ${JSON.stringify(resumed.failure)}`,
        );
        assert.equal(w.fake.auroraWriter, EU);
        assert.equal(w.fake.promotions.aurora, 1, `crash at ${crashAt}: promoted once`);
        assert.deepEqual(w.fake.acceptingWrites(), [EU]);
        assert.deepEqual(w.fake.twoWriterMoments, [], `crash at ${crashAt}`);
        assert.equal(inner.active(), undefined);
      }
    });
  }
});

describe("runbooks under random transient faults (property)", () => {
  const ops = [
    "DescribeGlobalClusters",
    "SwitchoverGlobalCluster",
    "FailoverGlobalCluster",
    "GetMetricData",
    "PutMetricData",
    "DescribeAlarms",
    "GetItem",
    "PutItem",
    "DescribeTable",
    "DescribeReplicator",
    "DescribeGlobalReplicationGroups",
    "FailoverGlobalReplicationGroup",
    "GetCallerIdentity",
    "GetHealthCheckStatus",
  ];
  const mutating = [
    "SwitchoverGlobalCluster",
    "FailoverGlobalCluster",
    "PutMetricData",
    "PutItem",
    "FailoverGlobalReplicationGroup",
  ];
  const transient = [
    "ThrottlingException",
    "InternalFailure",
    "ServiceUnavailable",
    "TimeoutError",
  ];

  it("switchover and failover still finish with one promotion and never two writers, even when responses are lost", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("switchover" as const, "failover" as const),
        fc.array(
          fc.tuple(
            fc.constantFrom(...ops),
            fc.constantFrom(...transient),
            fc.integer({ min: 1, max: 3 }),
          ),
          { maxLength: 6 },
        ),
        fc.array(fc.constantFrom(...mutating), { maxLength: 3 }),
        async (kind, faults, lost) => {
          const w3 = world();
          if (kind === "failover") w3.fake.dead.add(US);
          for (const [op, name, count] of faults) w3.fake.fail(op, name, count);
          for (const op of lost) w3.fake.loseResponse(op);
          let r;
          try {
            r = (await runRunbook({ kind, to: EU, ...w3, runId: "faulty" })).result;
          } catch {
            // Planning reads (before the run) may exhaust their single attempt: no change made.
            assert.deepEqual(w3.fake.stateChanges(), []);
            return;
          }
          assert.equal(r.status, "succeeded", JSON.stringify(r.failure));
          assert.equal(w3.fake.auroraWriter, EU);
          assert.equal(w3.fake.promotions.aurora, 1, "promoted exactly once");
          assert.equal(w3.fake.promotions.cache, 1);
          assert.deepEqual(w3.fake.acceptingWrites(), [EU]);
          assert.deepEqual(w3.fake.twoWriterMoments, []);
        },
      ),
      { numRuns: 40, seed: 20261122 },
    );
  });
});
