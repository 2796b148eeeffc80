import { strict as assert } from "assert";
import { ManualClock } from "../engine/clock";
import { waves } from "../engine/graph";
import { buildRunbook, buildTopology, RunbookKind } from ".";
import { withConsumers } from "../testing/consumers";
import { FakeAws, freshManifests, runRunbook } from "../testing/harness";

const EU = "eu-west-1";
const US = "us-east-1";

function world(o: { consumers?: boolean; writer?: string } = {}) {
  const clock = new ManualClock();
  const plain = freshManifests(clock.now());
  // Without: as written before the functions layer (no `stores.functions` at all).
  const manifests =
    o.consumers === false
      ? plain.map((m) => {
          const { functions: _omit, ...stores } = m.stores as typeof m.stores & {
            functions?: unknown;
          };
          return { ...m, stores } as typeof m;
        })
      : withConsumers(plain);
  const fake = new FakeAws(manifests, o.writer ?? US);
  return { clock, manifests, fake, adapters: fake.adapters() };
}

function plan(kind: RunbookKind, from: string, to: string, consumers = true) {
  const w = world({ consumers });
  const topology = buildTopology(
    w.manifests.map((m) => ({ manifest: m, source: m.stack })),
    { nowMs: w.clock.now() },
  );
  const thresholds = { maxLagSeconds: 5, drainLagSeconds: 1, drainMessages: 0 };
  return buildRunbook({ kind, from, to, epoch: 2, thresholds }, { topology, adapters: w.adapters });
}

/** Every step `id` waits for, directly or not. */
function ancestors(steps: ReturnType<typeof plan>, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (x: string) => {
    for (const d of steps.find((s) => s.id === x)!.dependsOn) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(id);
  return seen;
}

const updates = (fake: FakeAws) =>
  fake.calls.filter((c) => c.op === "UpdateEventSourceMapping").map((c) => c.region);
const indexOf = (fake: FakeAws, pred: (c: FakeAws["calls"][number]) => boolean) =>
  fake.calls.findIndex(pred);

describe("runbooks: writer-only consumers (Lambda event source mappings)", () => {
  it("a manifest without stores.functions gets no consumer steps", () => {
    for (const kind of ["switchover", "failover", "failback"] as const) {
      const ids = plan(kind, US, EU, false).map((s) => s.id);
      assert.deepEqual(
        ids.filter((i) => i.includes("consumers")),
        [],
        kind,
      );
    }
  });

  it("switchover plan: drain before the fence, disable after it, enable after the writer record and before unfence", () => {
    const steps = plan("switchover", US, EU);
    const ids = steps.map((s) => s.id);
    for (const id of [
      "preflight.consumers",
      "consumers.drain",
      "consumers.disable.source",
      "consumers.enable.target",
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.ok(ancestors(steps, "fence.source").has("consumers.drain"));
    assert.ok(ancestors(steps, "consumers.disable.source").has("fence.source"));
    const enable = ancestors(steps, "consumers.enable.target");
    assert.ok(enable.has("consumers.disable.source"), "never two regions' consumers on");
    assert.ok(enable.has("writer.record") && enable.has("aurora.switchover"), "target writable");
    assert.ok(ancestors(steps, "unfence.target").has("consumers.enable.target"));
    // The plan's waves (what `failover plan` prints) carry the new steps in that order.
    const w = waves(steps);
    const wave = (id: string) => w.findIndex((x) => x.some((s) => s.id === id));
    assert.ok(wave("consumers.drain") < wave("fence.source"));
    assert.ok(wave("consumers.disable.source") > wave("fence.source"));
    assert.ok(wave("consumers.enable.target") < wave("unfence.target"));
  });

  it("failover plan: enables the target's only, after the writer record; nothing in the failed region", () => {
    const steps = plan("failover", US, EU);
    const ids = steps.map((s) => s.id);
    assert.ok(ids.includes("consumers.enable.target"));
    assert.ok(!ids.includes("consumers.disable.source") && !ids.includes("consumers.drain"));
    assert.ok(ancestors(steps, "consumers.enable.target").has("writer.record"));
    assert.ok(ancestors(steps, "unfence.target").has("consumers.enable.target"));
    assert.deepEqual(
      steps.filter((s) => s.region === US).map((s) => s.id),
      [],
    );
  });

  it("failback plan: the returning region's consumers are disabled before it can be writable", () => {
    const steps = plan("failback", EU, US);
    const enable = ancestors(steps, "consumers.enable.target");
    assert.ok(enable.has("reprotect.consumers"));
    assert.ok(ancestors(steps, "writer.record").has("approve"));
    // reprotect runs right after the approval, before the target is recorded as writer.
    assert.ok(!ancestors(steps, "reprotect.consumers").has("writer.record"));
    assert.equal(steps.find((s) => s.id === "reprotect.consumers")!.region, US);
  });

  it("switchover on the wire of the fake: source disabled (verified) before the target is enabled, after the fence; target enabled before unfence", async () => {
    const w = world();
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.equal(w.fake.mappings.get(`esm-queue-${US}`)!.state, "Disabled");
    assert.equal(w.fake.mappings.get(`esm-queue-${EU}`)!.state, "Enabled");
    assert.deepEqual(updates(w.fake), [US, EU]);
    const fence = indexOf(w.fake, (c) => c.op === "PutItem" && c.key === `fence#${US}`);
    const disable = indexOf(w.fake, (c) => c.op === "UpdateEventSourceMapping" && c.region === US);
    const enable = indexOf(w.fake, (c) => c.op === "UpdateEventSourceMapping" && c.region === EU);
    const writer = indexOf(w.fake, (c) => c.op === "PutItem" && c.key === "writer");
    const unfence = indexOf(w.fake, (c) => c.op === "PutItem" && c.key === `fence#${EU}`);
    assert.ok(fence < disable && disable < enable && writer < enable && enable < unfence);
    // The source reached Disabled (read back) before the target was switched on.
    const disabledRead = w.fake.calls
      .slice(disable + 1, enable)
      .some((c) => c.op === "GetEventSourceMapping" && c.region === US);
    assert.ok(disabledRead);
    assert.deepEqual(result.degraded, []);
  });

  it("the source queue drain waits (bounded) before the fence, then goes on and reports what is left", async () => {
    const w = world();
    w.fake.queueDepths.set(US, { visible: 7, notVisible: 2, delayed: 0 });
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    const drain = result.steps.find((s) => s.id === "consumers.drain")!;
    const fence = result.steps.find((s) => s.id === "fence.source")!;
    assert.ok(drain.finishedAt! - drain.startedAt! >= 30_000, "waited the bound");
    assert.ok(drain.finishedAt! - drain.startedAt! < 60_000, "and no longer");
    assert.ok(drain.finishedAt! <= fence.startedAt!);
    assert.match(drain.notes.join("\n"), /7 visible, 2 in flight/);
    const disable = result.steps.find((s) => s.id === "consumers.disable.source")!;
    assert.match(disable.notes.join("\n"), /9 messages stay in us-east-1's queue/);
  });

  it("an empty source queue does not hold the fence", async () => {
    const w = world();
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    const drain = result.steps.find((s) => s.id === "consumers.drain")!;
    assert.ok(drain.finishedAt! - drain.startedAt! < 1_000);
  });

  it("failover with the source dead never calls it; the journal says its consumers are presumed running", async () => {
    const w = world();
    w.fake.dead.add(US);
    const { result } = await runRunbook({ kind: "failover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(
      w.fake.calls.filter((c) => c.region === US && c.service !== "DynamoDB"),
      [],
    );
    assert.deepEqual(updates(w.fake), [EU]);
    assert.equal(w.fake.mappings.get(`esm-queue-${EU}`)!.state, "Enabled");
    const enable = result.steps.find((s) => s.id === "consumers.enable.target")!;
    assert.match(enable.notes.join("\n"), /presumed running, and refused by write admission/);
  });

  it("a consumer step that fails degrades the run: the database and traffic still move, unfence still happens", async () => {
    const w = world();
    w.fake.fail("UpdateEventSourceMapping", "AccessDeniedException", 10);
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.equal(w.fake.auroraWriter, EU);
    assert.deepEqual(w.fake.acceptingWrites(), [EU]);
    assert.deepEqual(result.degraded.map((d) => d.stepId).sort(), [
      "consumers.disable.source",
      "consumers.enable.target",
    ]);
    assert.match(
      result.degraded.find((d) => d.stepId === "consumers.enable.target")!.impact,
      /aws lambda update-event-source-mapping --region eu-west-1 --uuid esm-queue-eu-west-1 --enabled/,
    );
  });

  it("a mapping between states is waited for, not failed (ResourceInUseException is retried)", async () => {
    const w = world();
    // The target's mapping is still Disabling from an earlier change.
    const m = w.fake.mappings.get(`esm-queue-${EU}`)!;
    m.state = "Disabling";
    m.polls = 3;
    const { result } = await runRunbook({ kind: "switchover", to: EU, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(result.degraded, []);
    assert.equal(m.state, "Enabled");
  });

  it("failback: the returning region's mappings, left on by the failover, are off before it is writable", async () => {
    const w = world({ writer: EU });
    // After a failover to eu-west-1, us-east-1 was never called: its mapping is still on.
    w.fake.mappings.get(`esm-queue-${US}`)!.state = "Enabled";
    w.fake.mappings.get(`esm-queue-${EU}`)!.state = "Enabled";
    const { result } = await runRunbook({ kind: "failback", to: US, ...w });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(updates(w.fake), [US, EU, US]);
    const reprotect = indexOf(w.fake, (c) => c.op === "UpdateEventSourceMapping");
    const writer = indexOf(w.fake, (c) => c.op === "PutItem" && c.key === "writer");
    assert.ok(reprotect < writer);
    assert.equal(w.fake.mappings.get(`esm-queue-${US}`)!.state, "Enabled");
    assert.equal(w.fake.mappings.get(`esm-queue-${EU}`)!.state, "Disabled");
  });
});
