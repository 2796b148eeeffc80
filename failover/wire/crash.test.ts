import { strict as assert } from "assert";
import { seededRandom } from "../engine/clock";
import { crashTrial, TrialKind, TrialResult, TrialSpec } from "./crash";

/*
 * The operator's process dies (SIGKILL, nothing flushed) at seeded random points of a
 * switchover and of a failover; the same operator then runs `--resume` from the same journal.
 * The run must end with one writer, converged, the Aurora promotion requested exactly once
 * (a resume waits for a promotion under way and never sends a second), and on the switchover
 * no acknowledged write lost. Each trial has its own emulator; a switchover trial and a
 * failover trial run side by side to stay within the folder's time budget.
 */

const SEED = 20261130;
const TRIALS = 3;

// Stratified: trial i is killed somewhere in the i-th third of the run, so early, middle and
// late steps are all hit.
const random = seededRandom(SEED);
const plan: Record<TrialKind, TrialSpec[]> = { switchover: [], failover: [] };
for (let i = 0; i < TRIALS; i++) {
  for (const kind of ["switchover", "failover"] as const) {
    plan[kind].push({ kind, seed: SEED + i, point: (i + random()) / TRIALS });
  }
}

describe("wire: SIGKILL mid-run, then --resume", function () {
  this.timeout(120_000);
  const results = new Map<TrialSpec, TrialResult>();

  before(async () => {
    for (let i = 0; i < TRIALS; i++) {
      const pair = [plan.switchover[i], plan.failover[i]];
      const done = await Promise.all(pair.map((spec) => crashTrial(spec)));
      pair.forEach((spec, j) => results.set(spec, done[j]));
    }
  });

  for (const kind of ["switchover", "failover"] as const) {
    for (const spec of plan[kind]) {
      const promotion = kind === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster";
      it(`${kind} killed at ${Math.round(spec.point * 100)}% of its run: resumed to one writer, converged, one ${promotion}${kind === "switchover" ? ", no acknowledged write lost" : ""}`, () => {
        const r = results.get(spec);
        assert.ok(r, "the trial ran");
        const context = `killed ${r.killAfterMs} ms after "Starting run" (${r.killedDuring}); recovery: ${r.recovery}\n${r.output}`;
        assert.equal(r.recoveryExit, 0, context);
        assert.deepEqual(r.convergence, [], context);
        assert.deepEqual(r.promotions, [promotion], context);
        assert.deepEqual(r.violations, [], context);
        if (kind === "switchover") {
          assert.ok(r.ackedWrites > 0, "the application wrote");
          assert.deepEqual(r.lost, [], context);
        }
      });
    }
  }
});
