import * as assert from "assert";
import { sampleManifest } from "../../manifest/sample";
import { Step } from "../engine/graph";
import {
  converged,
  DrillObservations,
  INVARIANTS,
  InvariantName,
  noLostWritesOnSwitchover,
  oneWriterRecord,
  oneConsumerRegion,
  singleWriter,
} from "./checker";
import { DrillOptions, runDrill } from "./harness";

/*
 * Every invariant's checker shown failing: first on a hand-made record (the checker is pure),
 * then on a real drill made bad on purpose, next to the same drill left alone, which passes.
 * A checker that cannot fail proves nothing.
 */

const good: DrillObservations = {
  command: "switchover",
  to: "eu-west-1",
  runStatus: "succeeded",
  writerHistory: [
    { at: 0, regions: ["us-east-1"] },
    { at: 62, regions: [] },
    { at: 190, regions: ["eu-west-1"] },
  ],
  writerRecordOverlaps: [],
  consumerOverlaps: [],
  degradedSteps: [],
  stores: [
    {
      store: "aurora",
      ofRecord: true,
      rpoSeconds: 0,
      lostWrites: 0,
      ackedWrites: 300,
      rpoTargetSeconds: 5,
    },
  ],
  end: {
    accepting: ["eu-west-1"],
    databasePrimary: "eu-west-1",
    controlWriter: "eu-west-1",
    writerAnswer: "eu-west-1",
  },
};

const pair = () => [sampleManifest("us-east-1"), sampleManifest("eu-west-1")];

/** Drops steps from the runbook (and from every step's dependencies). */
const without =
  (...ids: string[]) =>
  (steps: Step[]): Step[] =>
    steps
      .filter((s) => !ids.includes(s.id))
      .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => !ids.includes(d)) }));

describe("drill checker (pure)", () => {
  it("passes the good record", () => {
    for (const [name, check] of Object.entries(INVARIANTS))
      assert.strictEqual(check(good).holds, true, name);
  });

  it("singleWriter fails when two regions accept writes at once, naming them and when", () => {
    const bad = {
      ...good,
      writerHistory: [...good.writerHistory, { at: 200, regions: ["us-east-1", "eu-west-1"] }],
    };
    const c = singleWriter(bad);
    assert.strictEqual(c.holds, false);
    assert.match(c.problem!, /us-east-1, eu-west-1 at 200 s/);
  });

  it("oneWriterRecord fails when two writer records were healthy at once", () => {
    const c = oneWriterRecord({
      ...good,
      writerRecordOverlaps: [{ at: 107, regions: ["us-east-1", "eu-west-1"] }],
    });
    assert.strictEqual(c.holds, false);
    assert.match(c.problem!, /us-east-1, eu-west-1 at 107 s/);
  });

  it("oneConsumerRegion fails when two regions' writer-only consumers polled at once", () => {
    const c = oneConsumerRegion({
      ...good,
      consumerOverlaps: [{ at: 95, regions: ["eu-west-1", "us-east-1"] }],
    });
    assert.strictEqual(c.holds, false);
    assert.match(c.problem!, /eu-west-1, us-east-1 at 95 s/);
    // Reported: the source's mappings could not be switched off, and the run says so.
    const reported = { consumerOverlaps: c === undefined ? [] : [{ at: 95, regions: ["a", "b"] }] };
    assert.strictEqual(
      oneConsumerRegion({ ...good, ...reported, degradedSteps: ["consumers.disable.source"] })
        .holds,
      true,
    );
    // A failover never calls the failed region, whose consumers stay on until a failback.
    const failover = { ...good, command: "failover" as const };
    assert.strictEqual(oneConsumerRegion({ ...failover, consumerOverlaps: [] }).holds, null);
  });

  it("noLostWritesOnSwitchover fails on one lost write, and does not apply to a failover", () => {
    const lost = { ...good, stores: [{ ...good.stores[0], lostWrites: 1 }] };
    assert.strictEqual(noLostWritesOnSwitchover(lost).holds, false);
    assert.match(noLostWritesOnSwitchover(lost).problem!, /aurora: 1/);
    assert.strictEqual(noLostWritesOnSwitchover({ ...lost, command: "failover" }).holds, null);
  });

  it("converged fails on each way of ending elsewhere, and says which", () => {
    const cases: [Partial<DrillObservations>, RegExp][] = [
      [{ runStatus: "failed" }, /the run failed/],
      [{ end: { ...good.end, accepting: [] } }, /accepting writes: none/],
      [{ end: { ...good.end, accepting: ["us-east-1", "eu-west-1"] } }, /accepting writes: us-/],
      [{ end: { ...good.end, databasePrimary: "us-east-1" } }, /database primary is in us-east-1/],
      [{ end: { ...good.end, controlWriter: "us-east-1" } }, /control table names us-east-1/],
      [{ end: { ...good.end, writerAnswer: "us-east-1" } }, /writer name answers us-east-1/],
    ];
    for (const [change, why] of cases) {
      const c = converged({ ...good, ...change });
      assert.strictEqual(c.holds, false, JSON.stringify(change));
      assert.match(c.problem!, why);
    }
    // No Aurora, no control item: nothing to disagree.
    const bare = { ...good.end, databasePrimary: null, controlWriter: null };
    assert.strictEqual(converged({ ...good, end: bare }).holds, true);
  });
});

describe("drill checker on real drills made bad on purpose", function () {
  this.timeout(120_000);

  /** The bad drill breaks exactly `name`'s invariant; the same drill left alone keeps it. */
  async function showFails(name: InvariantName, base: DrillOptions, bad: Partial<DrillOptions>) {
    const control = await runDrill(base);
    assert.strictEqual(control.invariants[name], true, `${name} holds without the defect`);
    const r = await runDrill({ ...base, ...bad });
    assert.strictEqual(r.invariants[name], false, `${name} must fail: ${JSON.stringify(r.run)}`);
    return r;
  }

  it("singleWriter: an isolated writer whose lease never runs out keeps writing", async () => {
    const r = await showFails(
      "singleWriter",
      { manifests: pair(), scenario: "partition", seed: 3 },
      { params: { app: { leaseSeconds: 1e9 } } },
    );
    assert.deepStrictEqual(r.writerViolations[0].regions, ["us-east-1", "eu-west-1"]);
  });

  it("oneWriterRecord: opening the target's gates before the source's are closed", async () => {
    const openEarly = (steps: Step[]) =>
      steps.map((s) =>
        s.id === "traffic.open"
          ? { ...s, dependsOn: s.dependsOn.filter((d) => d !== "traffic.close") }
          : s,
      );
    const r = await showFails(
      "oneWriterRecord",
      { manifests: pair(), scenario: "switchover", seed: 4 },
      { transformSteps: openEarly },
    );
    assert.deepStrictEqual(r.writerRecordOverlaps[0].regions, ["us-east-1", "eu-west-1"]);
  });

  it("oneConsumerRegion: enabling the target's consumers before disabling the source's", async () => {
    const enableFirst = (steps: Step[]) =>
      steps.map((s) =>
        s.id === "consumers.enable.target"
          ? { ...s, dependsOn: ["approve"] }
          : s.id === "consumers.disable.source"
            ? { ...s, dependsOn: [...s.dependsOn, "consumers.enable.target"] }
            : s,
      );
    const r = await showFails(
      "oneConsumerRegion",
      { manifests: pair(), scenario: "switchover", seed: 1 },
      { transformSteps: enableFirst },
    );
    assert.deepStrictEqual(r.consumerOverlaps[0].regions.sort(), ["eu-west-1", "us-east-1"]);
  });

  it("noLostWritesOnSwitchover: a switchover that does not drain a lagging MSK replicator", async () => {
    // Replication 400 s behind: only the drain step waits for it (the preflight would refuse).
    const base: DrillOptions = {
      manifests: pair(),
      scenario: "switchover",
      seed: 2,
      params: { msk: { replicationLag: { kind: "constant", value: 400 } } },
      transformSteps: without("preflight.msk"),
    };
    const r = await showFails("noLostWritesOnSwitchover", base, {
      transformSteps: without("preflight.msk", "drain.msk"),
    });
    assert.ok(r.stores.find((s) => s.store === "msk")!.lostWrites > 0);
  });

  it("converged: a failover that never opens the target's gates (and its verify says so)", async () => {
    const r = await showFails(
      "converged",
      { manifests: pair(), scenario: "region-outage", seed: 1 },
      { transformSteps: without("traffic.open") },
    );
    assert.strictEqual(r.run.status, "failed", "verify reads the target's gates");
    assert.match(
      r.run.failures.map((f) => f.message).join("; "),
      /eu-west-1's writer gate is not open/,
    );
  });
});
