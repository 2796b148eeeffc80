import { Clock } from "./clock";
import { RetryPolicy } from "./retry";

/** What a step's functions get. */
export interface StepContext {
  runId: string;
  clock: Clock;
  /** Outputs of the steps this run has finished (also those finished before a resume). */
  outputs: Readonly<Record<string, unknown>>;
  /** A progress note shown under the step and kept in the report. */
  note(message: string): void;
  /** Aborted when the step times out; pass it on to anything that can stop early. */
  signal: AbortSignal;
}

/** How a step's postcondition looks right now. */
export interface VerifyResult {
  ok: boolean;
  /** Shown while waiting ("lag 3.2 s > 1 s") and on timeout. */
  detail?: string;
}

/**
 * One node of a runbook. The runner drives every step the same way:
 *  1. skip it if the journal says it finished (resume);
 *  2. `isDone` true -> already done, nothing to do (idempotent re-run);
 *  3. `precondition` throws -> the step fails without acting;
 *  4. `run` (retried on transient errors);
 *  5. `verify` polled every `pollSeconds` until ok, all within `timeoutSeconds`.
 */
export interface Step {
  id: string;
  title: string;
  /** The AWS region the step calls (for the report and the data-plane audit). */
  region?: string;
  dependsOn: string[];
  /** True if the step changes AWS state. `plan` prints it; approval gates precede it. */
  mutates: boolean;
  /** Expected time, for the plan's budget and critical path. */
  budgetSeconds: number;
  /** Hard limit for the whole step, retries and waiting included. */
  timeoutSeconds: number;
  /** One attempt of isDone/precondition/run/verify gives up (transiently) after this. */
  attemptTimeoutSeconds?: number;
  pollSeconds?: number;
  retry?: RetryPolicy;
  /** Makes the step an approval gate: the runner asks before continuing. */
  approval?: {
    prompt: (ctx: StepContext) => string;
    /** The text the operator must type (e.g. the target region) instead of yes/no. */
    typed?: string;
  };
  /** What the operator should know about the system's state if this step fails. */
  ifFailed?: string;
  /**
   * A failure of this step degrades the run instead of stopping it: the step is recorded as
   * `degraded` with this text (what is degraded and how to finish it by hand), its dependents
   * go on, and the run still succeeds. For secondary stores (the cache), whose failure must
   * never leave the service with no writer.
   */
  degradable?: string;
  isDone?: (ctx: StepContext) => Promise<boolean>;
  precondition?: (ctx: StepContext) => Promise<void>;
  run?: (ctx: StepContext) => Promise<unknown>;
  verify?: (ctx: StepContext) => Promise<VerifyResult>;
}

/** A precondition or postcondition that does not hold: not retried, fails the step. */
export class StepConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepConditionError";
  }
}

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraphError";
  }
}

/** Checks ids are unique, dependencies exist and there is no cycle; returns a topological order. */
export function topologicalOrder(steps: readonly Step[]): Step[] {
  const byId = new Map<string, Step>();
  for (const s of steps) {
    if (byId.has(s.id)) throw new GraphError(`step '${s.id}' is defined twice`);
    byId.set(s.id, s);
  }
  for (const s of steps) {
    for (const d of s.dependsOn) {
      if (!byId.has(d)) throw new GraphError(`step '${s.id}' depends on unknown step '${d}'`);
    }
  }
  const order: Step[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (s: Step, path: string[]) => {
    const st = state.get(s.id);
    if (st === "done") return;
    if (st === "visiting") throw new GraphError(`cycle: ${[...path, s.id].join(" -> ")}`);
    state.set(s.id, "visiting");
    for (const d of s.dependsOn) visit(byId.get(d)!, [...path, s.id]);
    state.set(s.id, "done");
    order.push(s);
  };
  for (const s of steps) visit(s, []);
  return order;
}

/**
 * Groups steps into waves: every step of a wave can start once the waves before it are done,
 * and the steps of one wave run in parallel.
 */
export function waves(steps: readonly Step[]): Step[][] {
  const level = new Map<string, number>();
  for (const s of topologicalOrder(steps)) {
    level.set(s.id, Math.max(-1, ...s.dependsOn.map((d) => level.get(d)!)) + 1);
  }
  const out: Step[][] = [];
  for (const s of steps) (out[level.get(s.id)!] ??= []).push(s);
  return out;
}

export interface PlannedPath {
  /** Step ids on the longest budgeted path, first to last. */
  steps: string[];
  seconds: number;
  /** Earliest budgeted start per step, seconds from the run's start. */
  startAt: Record<string, number>;
}

/** The longest path through the graph by budgeted time: the run's expected duration. */
export function plannedCriticalPath(steps: readonly Step[]): PlannedPath {
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const startAt: Record<string, number> = {};
  for (const s of topologicalOrder(steps)) {
    let start = 0;
    let from: string | undefined;
    for (const d of s.dependsOn) {
      if (from === undefined || finish.get(d)! > start) {
        start = finish.get(d)!;
        from = d;
      }
    }
    startAt[s.id] = start;
    finish.set(s.id, start + s.budgetSeconds);
    via.set(s.id, from);
  }
  let last: string | undefined;
  for (const [id, f] of finish) if (last === undefined || f > finish.get(last)!) last = id;
  const path: string[] = [];
  for (let cur = last; cur !== undefined; cur = via.get(cur)) path.unshift(cur);
  return { steps: path, seconds: last === undefined ? 0 : finish.get(last)!, startAt };
}

/** The actual critical path of a finished run: walk back from the last step to finish. */
export function actualCriticalPath(
  steps: readonly Step[],
  timing: Record<string, { startedAt: number; finishedAt: number } | undefined>,
): string[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  let last: string | undefined;
  for (const s of steps) {
    const t = timing[s.id];
    // Ties go to the later step in topological order: it depends on the others.
    if (t && (last === undefined || t.finishedAt >= timing[last]!.finishedAt)) last = s.id;
  }
  const path: string[] = [];
  for (let cur = last; cur !== undefined;) {
    path.unshift(cur);
    let next: string | undefined;
    for (const d of byId.get(cur)!.dependsOn) {
      const t = timing[d];
      if (t && (next === undefined || t.finishedAt > timing[next]!.finishedAt)) next = d;
    }
    cur = next;
  }
  return path;
}
