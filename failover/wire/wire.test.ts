import { strict as assert } from "assert";
import { seededRandom } from "../engine/clock";
import { arcFirstEndpointClosed, arcFirstEndpointResets } from "./arc";
import {
  roleProfileInFailedRegion,
  statusThenFailover,
  switchoverWithWitnessLost,
} from "./blackhole";
import { switchoverSwitchesConsumers } from "./consumers";
import { crashTrial, TrialKind, trialProblems, TrialSpec } from "./crash";
import { failoverFasterThanLease } from "./lease";
import { twoOperatorsAtOnce } from "./operators";
import { cacheRefusesPromotion, switchoverThroughStorm } from "./storms";

/*
 * The real `bin/failover.js` in child processes against the loopback emulator. Each case starts
 * its own emulator and children, asserts, and closes them. Most of a case's time is spent
 * waiting (timeouts on black-holed sockets, backoff, the writer lease), so the cases run a few
 * at a time from a pool started before the first test; each `it` awaits its own case. The
 * after hook waits for every case, so nothing outlives this file.
 */

const CONCURRENCY = 3;

interface Case {
  title: string;
  run: () => Promise<void>;
}

// SIGKILL at seeded random points, stratified so that trial i dies somewhere in the i-th third
// of its run (early, middle and late steps are all hit); then `--resume` from the same journal.
const SEED = 20261130;
const TRIALS = 3;
const random = seededRandom(SEED);
const crashCases = (kind: TrialKind): Case[] =>
  Array.from({ length: TRIALS }, (_, i) => {
    const spec: TrialSpec = { kind, seed: SEED + i, point: (i + random()) / TRIALS };
    const promotion = kind === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster";
    return {
      title: `${kind} killed at ${Math.round(spec.point * 100)}% of its run: resumed to one writer, converged, one ${promotion}${kind === "switchover" ? ", no acknowledged write lost" : ""}`,
      run: async () => {
        const r = await crashTrial(spec);
        const context = `killed ${r.killAfterMs} ms after "Starting run" (${r.killedDuring}); recovery: ${r.recovery}\n${r.output}`;
        assert.deepEqual(trialProblems(r), [], context);
        if (kind === "switchover") assert.ok(r.ackedWrites > 0, "the application wrote");
      },
    };
  });

// In the order the pool starts them: the longest first.
const GROUPS: { title: string; cases: Case[] }[] = [
  {
    title: "error storms in the target region",
    cases: [
      {
        title:
          "a switchover succeeds through ThrottlingException (30%) and InternalFailure (20%) in eu-west-1, retrying, each step within its budget",
        run: switchoverThroughStorm,
      },
      {
        title:
          "failover: the cache refuses promotion (InvalidGlobalReplicationGroupState); the run is degraded, the service has its writer",
        run: cacheRefusesPromotion,
      },
    ],
  },
  {
    title: "us-east-1 black-holed",
    cases: [
      {
        title:
          "status shows us-east-1 unreachable within 15 s; failover --to eu-west-1 sends nothing to us-east-1",
        run: statusThenFailover,
      },
      {
        title:
          "--profile with a role profile whose region is us-east-1: AssumeRole goes to eu-west-1, nothing to us-east-1",
        run: roleProfileInFailedRegion,
      },
    ],
  },
  {
    title: "the witness region black-holed",
    cases: [
      {
        title:
          "a switchover closes and opens the writer gates by the majority that answers; the writer name ends on eu-west-1",
        run: switchoverWithWitnessLost,
      },
    ],
  },
  {
    title: "SIGKILL mid-run, then --resume",
    cases: [...crashCases("switchover"), ...crashCases("failover")],
  },
  {
    title: "writer-only consumers",
    cases: [
      {
        title:
          "a switchover drains the source queue, disables the source's mappings, then enables the target's (UpdateEventSourceMapping on the wire)",
        run: switchoverSwitchesConsumers,
      },
    ],
  },
  {
    title: "a failover faster than the writer lease",
    cases: [
      {
        title: "the target accepts writes after the run, once the old writer's lease has run out",
        run: failoverFasterThanLease,
      },
    ],
  },
  {
    title: "two operators switch over at once",
    cases: [
      {
        title:
          "exactly one succeeds and promotes Aurora once; the other exits 1 naming the winner's run",
        run: twoOperatorsAtOnce,
      },
    ],
  },
  {
    title: "ARC endpoints that fail",
    cases: [
      {
        title: "the first endpoint tried resets the connection: the controls flip through the next",
        run: arcFirstEndpointResets,
      },
      {
        title: "the first endpoint tried is a closed port: the controls flip through the next",
        run: arcFirstEndpointClosed,
      },
    ],
  },
];

/** Starts `tasks` at most `limit` at a time, in order; one promise per task (its outcome). */
function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void>[] {
  const settle: ((outcome: Promise<void>) => void)[] = [];
  const outcomes = tasks.map(() => new Promise<void>((resolve) => settle.push(resolve)));
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const outcome = tasks[i]();
      settle[i](outcome);
      await outcome.catch(() => undefined);
    }
  };
  for (let k = 0; k < limit; k++) void worker();
  return outcomes;
}

describe("wire: real bin/failover.js processes against the emulator", function () {
  // A case may wait for the pool before it starts.
  this.timeout(180_000);
  const cases = GROUPS.flatMap((g) => g.cases);
  let outcomes: Promise<void>[] = [];

  before(() => {
    outcomes = pool(
      cases.map((c) => c.run),
      CONCURRENCY,
    );
    for (const o of outcomes) o.catch(() => undefined);
  });
  after(async () => {
    await Promise.allSettled(outcomes);
  });

  for (const group of GROUPS) {
    describe(group.title, () => {
      for (const c of group.cases) {
        it(c.title, () => outcomes[cases.indexOf(c)]);
      }
    });
  }
});
