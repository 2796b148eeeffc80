import { strict as assert } from "assert";
import { sampleManifest } from "../../manifest/sample";
import { Step } from "../engine/graph";
import { MemoryJournalStore } from "../engine/journal";
import { runSteps, RunResult } from "../engine/runner";
import { buildRunbook, buildTopology, claimFor, RunbookKind, takeClaim } from "../runbooks";
import { withConsumers } from "../testing/consumers";
import { Simulation } from "./simulation";

const US = "us-east-1";
const EU = "eu-west-1";

/** Runs a runbook in virtual time against the simulator; `transform` can break it on purpose. */
async function run(
  kind: RunbookKind,
  o: {
    seed?: number;
    transform?: (steps: Step[]) => Step[];
    before?: (s: Simulation) => void;
  } = {},
): Promise<{ sim: Simulation; result: RunResult }> {
  const manifests = withConsumers([sampleManifest(US), sampleManifest(EU)]);
  const sim = new Simulation({ manifests, seed: o.seed ?? 1 });
  o.before?.(sim);
  const session = sim.newSession();
  const topology = buildTopology(
    manifests.map((m) => ({ manifest: m, source: m.stack })),
    { nowMs: session.clock.now(), maxAgeDays: 100_000 },
  );
  const params = {
    kind,
    from: US,
    to: EU,
    epoch: 2,
    thresholds: { maxLagSeconds: 5, drainLagSeconds: 1, drainMessages: 0 },
  };
  let steps = buildRunbook(params, { topology, adapters: session.adapters });
  if (o.transform) steps = o.transform(steps);
  let result: RunResult | undefined;
  const p = (async () => {
    // Let the workload and the queues run for a while first.
    await session.clock.sleep(60_000);
    await takeClaim(topology, session.adapters, claimFor(params, "r1"));
    result = await runSteps({
      runId: "r1",
      command: kind,
      params: params as unknown as Record<string, unknown>,
      steps,
      journal: new MemoryJournalStore(),
      clock: session.clock,
      random: session.random,
      approver: async () => true,
    });
    // And after, so a late overlap would show.
    await session.clock.sleep(120_000);
  })();
  let settled = false;
  void p.finally(() => (settled = true)).catch(() => undefined);
  await sim.kernel.runUntil(() => settled, 10_000);
  await p;
  return { sim, result: result! };
}

/** Enables the target before the source is disabled: the runbook the ordering rules out. */
function enableFirst(steps: Step[]): Step[] {
  return steps.map((s) =>
    s.id === "consumers.enable.target"
      ? { ...s, dependsOn: ["approve"] }
      : s.id === "consumers.disable.source"
        ? { ...s, dependsOn: [...s.dependsOn, "consumers.enable.target"] }
        : s,
  );
}

describe("simulator: writer-only consumers", () => {
  it("switchover: never two reachable regions' consumers polling, consumers write only where admitted, the target's consumer writes after", async () => {
    for (const seed of [1, 2, 3]) {
      const { sim, result } = await run("switchover", { seed });
      assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
      assert.deepEqual(sim.consumers.overlaps, [], `seed ${seed}`);
      assert.deepEqual(sim.workload.violations, []);
      assert.equal(sim.consumers.states()[`${US}/queue-consumer`], "Disabled");
      assert.equal(sim.consumers.states()[`${EU}/queue-consumer`], "Enabled");
      const end = sim.toSeconds(result.steps.find((s) => s.id === "run.release")!.finishedAt!);
      assert.ok(sim.consumers.writes.some((w) => w.region === EU && w.at > end));
      // No consumer write in a region while another accepted writes (admission, per write).
      for (const w of sim.consumers.writes) {
        const h = [...sim.workload.writerHistory].reverse().find((x) => x.at <= w.at);
        assert.ok(h?.regions.includes(w.region), `consumer write in ${w.region} at ${w.at}`);
      }
    }
  });

  it("known-bad: enabling the target before disabling the source breaks the overlap invariant", async () => {
    const { sim, result } = await run("switchover", { transform: enableFirst });
    assert.equal(result.status, "succeeded");
    assert.ok(sim.consumers.overlaps.length > 0);
    assert.deepEqual(sim.consumers.overlaps[0].regions, [EU, US]);
  });

  it("failover with the source down: the target's consumer runs, nothing else; the source's is exempt (down)", async () => {
    const { sim, result } = await run("failover", {
      before: (s) => s.kernel.after(30, () => s.world.setDown(US, true)),
    });
    assert.equal(result.status, "succeeded", JSON.stringify(result.failure));
    assert.deepEqual(sim.consumers.overlaps, []);
    assert.equal(sim.consumers.states()[`${EU}/queue-consumer`], "Enabled");
    assert.equal(sim.calls.filter((c) => c.region === US && c.at > 60).length, 0);
  });
});
