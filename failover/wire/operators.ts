import { strict as assert } from "assert";
import { converged, EU, promotions, US, WireFixture } from "./harness";

/*
 * Two operators, two machines (two processes, two journals), one AWS: both start
 * `failover switchover --to eu-west-1 --yes` at the same moment. The run claim in the control
 * table lets exactly one proceed; the other stops before changing anything and names the run
 * that holds the claim.
 */

/** Exactly one succeeds and promotes Aurora once; the other exits 1 naming the winner's run. */
export async function twoOperatorsAtOnce(): Promise<void> {
  const fx = await WireFixture.start();
  try {
    const common = ["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])];
    const since = await fx.mark();
    const [a, b] = ["alice", "bob"].map((name) =>
      fx.spawn(["switchover", "--to", EU, "--yes", "--json", ...common], {
        cwd: fx.workdir(name),
      }),
    );
    const exits = await Promise.all([a.wait(60_000), b.wait(60_000)]);
    const codes = exits.map((e) => e.code).sort();
    assert.deepEqual(codes, [0, 1], exits.map((e) => e.stderr).join("\n---\n"));
    const winner = exits.find((e) => e.code === 0)!;
    const loser = exits.find((e) => e.code === 1)!;
    const report = JSON.parse(winner.stdout) as { runId: string; status: string };
    assert.equal(report.status, "succeeded");
    assert.match(report.runId, /^switchover-/);
    // The loser names the run holding the claim, and says it changed nothing.
    assert.ok(
      loser.stderr.includes(`run ${report.runId} `),
      `the loser's stderr names ${report.runId}:\n${loser.stderr}`,
    );
    assert.match(loser.stderr, /holds the run claim/);
    assert.match(loser.stderr, /Nothing was changed/);

    const record = await fx.requests(since);
    assert.deepEqual(
      promotions(record).map((r) => r.operation),
      ["SwitchoverGlobalCluster"],
    );
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [US, EU] }), []);
    const state = await fx.state();
    for (const r of [US, EU]) {
      assert.equal(state.controlTable.items[r].writer?.runId, report.runId, `${r} writer item`);
    }
    assert.deepEqual(fx.writerViolations(), []);
  } finally {
    await fx.close();
  }
}
