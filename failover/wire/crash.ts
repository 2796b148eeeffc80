import * as path from "path";
import { FileJournalStore, summarize } from "../engine/journal";
import {
  BUSY_WORKLOAD,
  converged,
  EU,
  promotions,
  recover,
  sleep,
  US,
  WireFixture,
} from "./harness";

/*
 * One crash trial, shared by crash.test.ts and bench/wire.ts: a fresh emulator (the
 * application's canaries writing every 50 ms), `failover switchover|failover --to eu-west-1`
 * killed with SIGKILL at a seeded point, then recovered as an operator would (harness.ts
 * `recover`), and what the emulator and the simulator then show.
 */

export type TrialKind = "switchover" | "failover";

export interface TrialSpec {
  kind: TrialKind;
  seed: number;
  /** Where to kill, 0..1 of the window. */
  point: number;
  /**
   * Measure the window from the process's start (so the kill may land while it resolves the
   * writer and takes the run claim, before its journal exists) instead of from "Starting run".
   */
  early?: boolean;
}

export interface TrialResult extends TrialSpec {
  killAfterMs: number;
  /** What the journal showed after the kill. */
  killedDuring: string;
  recovery: string;
  recoveryExit: number | null;
  /** Problems that kept the state from converging (empty: converged). */
  convergence: string[];
  /** Aurora promotion requests in the record, in order. */
  promotions: string[];
  /** Moments two regions accepted writes: the simulator's monitor and sampled states. */
  violations: string[];
  /** Switchover: stores missing acknowledged writes when the run ended. */
  lost: string[];
  ackedWrites: number;
  wallMs: number;
  output: string;
}

/** How long after "Starting run" a run of each kind is still under way (without load). */
const RUN_WINDOW_MS: Record<TrialKind, number> = { switchover: 3500, failover: 2500 };
/**
 * The services' writer lease in failover trials (the emulator's application and
 * `--writer-lease-seconds`): short, so that the run's wait for it does not dominate the trial.
 */
const FAILOVER_LEASE_SECONDS = 1;
/** From spawn to "Starting run", roughly, for `early` trials. */
const START_WINDOW_MS = 3000;

export async function crashTrial(spec: TrialSpec): Promise<TrialResult> {
  const started = Date.now();
  // A failover is for a region that is down: us-east-1 is out for the whole trial.
  const failover = spec.kind === "failover";
  const fx = await WireFixture.start({
    params: failover
      ? { ...BUSY_WORKLOAD, app: { leaseSeconds: FAILOVER_LEASE_SECONDS } }
      : BUSY_WORKLOAD,
    seed: spec.seed,
    faults: failover ? [{ type: "outage", region: US }] : [],
  });
  try {
    const cwd = fx.workdir(spec.kind);
    const command = failover
      ? [
          ...["failover", "--to", EU, "--allow-data-loss", "--yes"],
          ...["--writer-lease-seconds", String(FAILOVER_LEASE_SECONDS)],
        ]
      : ["switchover", "--to", EU, "--yes"];
    const common = ["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])];
    const since = await fx.mark();
    const sampled: string[] = [];
    const sampler = sampleWriters(fx, sampled);
    try {
      const proc = fx.spawn([...command, ...common], { cwd });
      let killAfterMs: number;
      if (spec.early) {
        killAfterMs = Math.round(spec.point * START_WINDOW_MS);
        await sleep(killAfterMs);
      } else {
        await proc.waitFor(/(Starting|Resuming) run /, 30_000);
        killAfterMs = Math.round(spec.point * RUN_WINDOW_MS[spec.kind]);
        await sleep(killAfterMs);
      }
      const killed = await proc.kill();
      const killedDuring =
        killed.signal === "SIGKILL" ? journalPosition(cwd) : `(had exited ${killed.code})`;
      const recovery = await recover(fx, cwd, command, common);
      // Lost writes count when the run ends, before late replication could hide them.
      const lost =
        spec.kind === "switchover"
          ? fx
              .lostAckedWrites(EU)
              .filter((s) => s.lost > 0)
              .map((s) => `${s.store}: ${s.lost} of ${s.acked}`)
          : [];
      const convergence = await converged(fx, {
        from: US,
        to: EU,
        // us-east-1 is down on a failover: its replica cannot hear of the run.
        replicas: spec.kind === "switchover" ? [US, EU] : [EU],
      });
      sampler.stop();
      await sampler.done;
      const record = await fx.requests(since);
      return {
        ...spec,
        killAfterMs,
        killedDuring,
        recovery: recovery.actions.join(", ") || "none needed",
        recoveryExit: recovery.exit ? recovery.exit.code : 0,
        convergence,
        promotions: promotions(record).map((r) => r.operation),
        violations: [
          ...fx.writerViolations().map((v) => `at ${v.at.toFixed(3)} s: ${v.regions.join(", ")}`),
          ...sampled,
        ],
        lost,
        ackedWrites: fx.emulator.sim.workload.acked.length,
        wallMs: Date.now() - started,
        output: [
          `killed run stdout:\n${tail(killed.stdout)}`,
          `killed run stderr:\n${tail(killed.stderr)}`,
          recovery.exit ? `recovery stdout:\n${tail(recovery.exit.stdout)}` : "",
          recovery.exit ? `recovery stderr:\n${tail(recovery.exit.stderr)}` : "",
        ].join("\n"),
      };
    } finally {
      sampler.stop();
    }
  } finally {
    await fx.close();
  }
}

/** What a trial got wrong: empty when the run ended converged, one writer, nothing lost. */
export function trialProblems(r: TrialResult): string[] {
  const out: string[] = [];
  if (r.recoveryExit !== 0) out.push(`recovery exited ${r.recoveryExit}`);
  if (r.convergence.length) out.push(`not converged: ${r.convergence.join("; ")}`);
  if (r.violations.length) out.push(`two writers: ${r.violations.slice(0, 3).join("; ")}`);
  if (r.lost.length) out.push(`lost acknowledged writes: ${r.lost.join("; ")}`);
  const want = r.kind === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster";
  if (r.promotions.join() !== want) out.push(`promotions: [${r.promotions.join(", ")}]`);
  return out;
}

/** Samples the emulator's state every 25 ms; records any moment two regions accept writes. */
function sampleWriters(fx: WireFixture, out: string[]): { stop(): void; done: Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const s = fx.emulator.state();
      const accepting = Object.entries(s.regions)
        .filter(([, r]) => r.acceptsWrites)
        .map(([r]) => r);
      if (accepting.length > 1)
        out.push(`sampled at ${s.now.toFixed(3)} s: ${accepting.join(", ")}`);
      await sleep(25);
    }
  })();
  return { stop: () => (running = false), done };
}

/** Where the killed run was, from its journal. */
function journalPosition(cwd: string): string {
  try {
    const journal = new FileJournalStore(path.join(cwd, ".failover"));
    const active = journal.active();
    if (!active) return "before its journal existed, or after it finished";
    const s = summarize(active.events);
    if (s.interrupted.length) return `during ${s.interrupted.join(", ")}`;
    return `between steps, ${s.finished.size} of ${s.header?.stepIds.length ?? "?"} done`;
  } catch (e) {
    return `with a damaged journal (${(e as Error).message.split("\n")[0]})`;
  }
}

function tail(text: string, lines = 25): string {
  return text.split("\n").slice(-lines).join("\n");
}
