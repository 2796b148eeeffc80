import { DrManifest } from "../../manifest";
import { Step } from "../engine/graph";
import { JournalEvent, JournalStore, RunInProgressError, summarize } from "../engine/journal";
import { isTransient, withRetry } from "../engine/retry";
import { RunResult, runSteps } from "../engine/runner";
import {
  buildRunbook,
  claimFor,
  claimRegions,
  nextEpochIn,
  resolveCurrentState,
  RunbookKind,
  RunbookParams,
  takeClaim,
  Topology,
} from "../runbooks";
import { Session, Simulation } from "../simulator/simulation";
import { TimelineEvent } from "./timeline";

/**
 * The operator half of a drill: someone who runs the real command (`buildRunbook` +
 * `runSteps`, as `failover` does) against the simulated adapters, whose process may crash at
 * chosen journal writes (and is restarted), and who runs `--resume` after a safe stop.
 */

/** Thrown by the journal when the drill crashes the operator process at a journal write. */
export class OperatorCrash extends Error {
  constructor(readonly write: number) {
    super(`operator process crashed at journal write ${write}`);
    this.name = "OperatorCrash";
  }
}

/**
 * The journal "on disk" of a drill: survives operator crashes. Like MemoryJournalStore, but
 * without deep copies (events are written once and only read), which matters at 100,000 runs.
 */
export class DrillDisk implements JournalStore {
  private runs = new Map<string, JournalEvent[]>();
  private activeRunId: string | undefined;

  active() {
    return this.activeRunId === undefined
      ? undefined
      : { runId: this.activeRunId, events: this.read(this.activeRunId) };
  }
  start(event: Extract<JournalEvent, { type: "run-started" }>) {
    const current = this.active();
    if (current) throw new RunInProgressError(current);
    this.activeRunId = event.runId;
    this.runs.set(event.runId, [event]);
  }
  append(runId: string, event: JournalEvent) {
    const events = this.runs.get(runId);
    if (!events) throw new Error(`no journal for run ${runId}`);
    events.push(event);
  }
  read(runId: string) {
    return [...(this.runs.get(runId) ?? [])];
  }
  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>) {
    this.append(runId, event);
    if (event.status !== "failed" && this.activeRunId === runId) this.activeRunId = undefined;
  }
  describe(runId: string) {
    return `drill:${runId}`;
  }
}

/** The journal on disk survives a crash; the process that writes it does not. */
class CrashingJournal implements JournalStore {
  private dead = false;

  constructor(
    private readonly disk: JournalStore,
    private readonly crashAt: Set<number>,
    private readonly counter: { writes: number },
    private readonly onCrash: () => void,
  ) {}

  active() {
    return this.disk.active();
  }
  read(runId: string) {
    return this.disk.read(runId);
  }
  describe(runId: string) {
    return this.disk.describe(runId);
  }
  start(event: Extract<JournalEvent, { type: "run-started" }>) {
    this.write(() => this.disk.start(event));
  }
  append(runId: string, event: JournalEvent) {
    this.write(() => this.disk.append(runId, event));
  }
  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>) {
    this.write(() => this.disk.finish(runId, event));
  }

  private write(fn: () => void): void {
    if (this.dead) throw new OperatorCrash(this.counter.writes);
    const n = ++this.counter.writes;
    if (this.crashAt.has(n)) {
      this.dead = true;
      this.onCrash();
      throw new OperatorCrash(n);
    }
    fn();
  }
}

export interface OperatorPlan {
  sim: Simulation;
  manifests: DrManifest[];
  topology: Topology;
  command: RunbookKind;
  /** The writer when the drill started (the run's `from` unless the control table says else). */
  writer: string;
  to: string;
  seed: number;
  /** Crash the operator process at these journal writes (1-based, counted over the drill). */
  crashes: readonly number[];
  restartSeconds: number;
  resumeDelaySeconds: number;
  maxResumes: number;
  transformSteps?: (steps: Step[]) => Step[];
}

export interface OperatorOutcome {
  status: "succeeded" | "failed" | "crashed" | "not-started";
  resumes: number;
  crashes: number;
  failures: { stepId: string; message: string; ifFailed?: string }[];
  criticalPath: string[];
  /** The parameters of the last run started (undefined when none started). */
  params: RunbookParams | undefined;
  runId: string | undefined;
  disk: DrillDisk;
  /** Which operator process started each step (1 = the first). */
  sessionOfStep: Map<string, number>;
  events: TimelineEvent[];
}

export function newOperatorOutcome(): OperatorOutcome {
  return {
    status: "not-started",
    resumes: 0,
    crashes: 0,
    failures: [],
    criticalPath: [],
    params: undefined,
    runId: undefined,
    disk: new DrillDisk(),
    sessionOfStep: new Map(),
    events: [],
  };
}

/**
 * Runs the operator to the end: the run succeeded, or it failed `maxResumes` times more.
 * Returns once the operator gives up; the kernel must be run meanwhile (see `runDrill`).
 * `out` is updated as the operator goes, so a drill cut short by its time limit still reports
 * what happened so far.
 */
export async function runOperator(
  p: OperatorPlan,
  out: OperatorOutcome = newOperatorOutcome(),
): Promise<OperatorOutcome> {
  const { sim, topology, command, to } = p;
  const k = sim.kernel;
  const disk = out.disk;
  const counter = { writes: 0 };
  const crashAt = new Set(p.crashes);
  const note = (kind: TimelineEvent["kind"], text: string) =>
    out.events.push({ at: k.now, kind, text });
  let attempts = 0;
  let session: Session = sim.newSession();
  const retrying = <T>(fn: () => Promise<T>) =>
    withRetry(fn, { clock: session.clock, random: session.random });
  const takeRunClaim = (runId: string, params: RunbookParams, takeOver?: string) =>
    retrying(() => takeClaim(topology, session.adapters, claimFor(params, runId), { takeOver }));

  // A new run, as the command starts one: the current writer, the epoch, a claim.
  const start = async (): Promise<{ runId: string; params: RunbookParams }> => {
    const state = await retrying(() => resolveCurrentState(topology, session.adapters, to));
    const from = state.writer ?? p.writer;
    const target = p.manifests.find((m) => m.region === to)!;
    const claimed = claimRegions(command, from, to, topology.regions);
    const params: RunbookParams = {
      kind: command,
      from,
      to,
      epoch: await retrying(() => nextEpochIn(topology, session.adapters, claimed)),
      thresholds: {
        maxLagSeconds: target.targets.rpoSeconds,
        drainLagSeconds: 1,
        drainMessages: 0,
      },
    };
    // An attempt that stopped before its journal existed may have left an active claim:
    // the operator starts again with a new run id and --abandon the old one.
    const previous = out.runId;
    const runId = `drill-${p.seed}-${command}${attempts++ > 0 ? `-${attempts}` : ""}`;
    out.runId = runId;
    await takeRunClaim(runId, params, previous);
    return { runId, params };
  };

  // `--resume`: the journal's own parameters, and its own claim taken again.
  const resumeActive = async (active: { runId: string; events: JournalEvent[] }) => {
    const header = summarize(active.events).header;
    if (!header) throw new Error("journal without a header");
    const params = header.params as unknown as RunbookParams;
    await takeRunClaim(active.runId, params);
    return { runId: active.runId, params };
  };

  // After a safe stop: wait, then a new process. False when the operator gives up.
  const afterFailure = async (): Promise<boolean> => {
    if (out.resumes >= p.maxResumes) return false;
    out.resumes++;
    await k.sleep(p.resumeDelaySeconds);
    session = sim.newSession();
    return true;
  };

  note("command", `failover ${command} --to ${to}`);
  for (;;) {
    const current = session;
    const journal = new CrashingJournal(disk, crashAt, counter, () => current.kill());
    const active = disk.active();
    try {
      let run: { runId: string; params: RunbookParams };
      try {
        run = active ? await resumeActive(active) : await start();
      } catch (e) {
        if (!isTransient(e)) throw e;
        // The command gives up before journaling anything; the operator runs it again.
        const message = (e as Error).message;
        out.failures.push({ stepId: "(start)", message: `could not start: ${message}` });
        note("failed", `command failed before starting: ${message}`);
        if (!(await afterFailure())) return out;
        continue;
      }
      out.params = run.params;
      out.runId = run.runId;
      let steps = buildRunbook(run.params, { topology, adapters: session.adapters });
      if (p.transformSteps) steps = p.transformSteps(steps);
      const sid = session.id;
      const result: RunResult = await runSteps({
        runId: run.runId,
        command,
        params: run.params as unknown as Record<string, unknown>,
        steps,
        journal,
        clock: session.clock,
        random: session.random,
        approver: async () => true,
        resume: active !== undefined,
        onEvent: (e) => {
          if (e.type === "step-start") out.sessionOfStep.set(e.step.id, sid);
        },
      });
      out.criticalPath = result.criticalPath;
      if (result.status === "succeeded") {
        out.status = "succeeded";
        return out;
      }
      out.status = "failed";
      if (result.failure) out.failures.push({ ...result.failure });
      note("failed", `stopped: ${result.failure?.stepId}: ${result.failure?.message}`);
      if (!(await afterFailure())) return out;
      note("resume", "failover --resume");
    } catch (e) {
      if (!(e instanceof OperatorCrash)) throw e;
      out.crashes++;
      out.status = "crashed";
      note("crash", `operator crashed (journal write ${e.write})`);
      await k.sleep(p.restartSeconds);
      session = sim.newSession();
      // Crashed before the run was journaled: start again from scratch.
      if (!disk.active()) note("resume", `failover ${command} --to ${to} (again)`);
      else note("resume", "failover --resume");
    }
  }
}
