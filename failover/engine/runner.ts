import { Clock, RandomSource } from "./clock";
import { actualCriticalPath, Step, StepContext, topologicalOrder, VerifyResult } from "./graph";
import { JournalStore, summarize } from "./journal";
import { DEFAULT_RETRY, isTransient, withRetry, withTimeout } from "./retry";

/** Asks the operator; resolves true to continue. `typed` is text they must type exactly. */
export type Approver = (request: {
  stepId: string;
  prompt: string;
  typed?: string;
}) => Promise<boolean>;

export type RunnerEvent =
  | { type: "run-start"; runId: string; at: number; resumed: boolean }
  | { type: "step-skip"; step: Step; result: string }
  | { type: "step-start"; step: Step; at: number }
  | { type: "step-end"; step: Step; result: StepResult; elapsedMs: number; error?: Error }
  | { type: "step-retry"; step: Step; attempt: number; delayMs: number; error: unknown }
  | { type: "step-wait"; step: Step; detail: string; elapsedMs: number }
  | { type: "step-note"; step: Step; message: string };

/** `cancelled`: stopped because another step failed; a resume runs it again. */
export type StepResult =
  "done" | "already-done" | "approved" | "degraded" | "failed" | "declined" | "cancelled";

export interface StepRecord {
  id: string;
  title: string;
  region?: string;
  mutates: boolean;
  result: StepResult | "not-run" | "skipped-resume";
  startedAt?: number;
  finishedAt?: number;
  attempts: number;
  output?: unknown;
  notes: string[];
  error?: { name: string; message: string };
}

export interface RunResult {
  runId: string;
  status: "succeeded" | "failed" | "cancelled";
  startedAt: number;
  finishedAt: number;
  steps: StepRecord[];
  criticalPath: string[];
  /** Degradable steps that failed: the run went on without them. */
  degraded: { stepId: string; message: string; impact: string }[];
  failure?: {
    stepId: string;
    message: string;
    ifFailed?: string;
    timedOut: boolean;
    /** State-changing steps stopped mid-way by the failure: their AWS call may still land. */
    interrupted?: string[];
  };
  resumes: number;
  params: Record<string, unknown>;
  command: string;
}

export interface RunOptions {
  runId: string;
  command: string;
  params: Record<string, unknown>;
  steps: Step[];
  journal: JournalStore;
  clock: Clock;
  random: RandomSource;
  approver: Approver;
  /** Continue the journal's active run (which must be `runId`) instead of starting one. */
  resume?: boolean;
  onEvent?: (event: RunnerEvent) => void;
  /** Defaults to 30 s: one AWS call that hangs longer is abandoned and retried. */
  attemptTimeoutSeconds?: number;
}

export class StepTimeoutError extends Error {
  constructor(
    readonly stepId: string,
    readonly seconds: number,
    readonly lastDetail?: string,
  ) {
    super(
      `did not complete within ${seconds} s` + (lastDetail ? ` (last check: ${lastDetail})` : ""),
    );
    this.name = "StepTimeoutError";
  }
}

class StepCancelled extends Error {
  constructor(failedStep: string) {
    super(`stopped because ${failedStep} failed`);
    this.name = "StepCancelled";
  }
}

class ApprovalDeclined extends Error {
  constructor() {
    super("the operator declined");
    this.name = "ApprovalDeclined";
  }
}

/**
 * Runs a step graph: every step whose dependencies are finished starts at once, so a run takes
 * its critical path. After a failure no new step starts; steps already running finish (an AWS
 * call in flight cannot be recalled), then the run stops, failed and resumable.
 */
export async function runSteps(options: RunOptions): Promise<RunResult> {
  const { clock, journal, runId } = options;
  const steps = topologicalOrder(options.steps);
  const now = () => clock.now();

  if (options.resume) {
    journal.append(runId, { type: "run-resumed", at: now(), pid: process.pid });
  } else {
    journal.start({
      type: "run-started",
      at: now(),
      runId,
      command: options.command,
      params: options.params,
      stepIds: steps.map((s) => s.id),
      pid: process.pid,
    });
  }
  const events = journal.read(runId);
  const summary = summarize(events);
  const runStartedAt = summary.header?.at ?? now();
  options.onEvent?.({ type: "run-start", runId, at: now(), resumed: !!options.resume });

  const records = new Map<string, StepRecord>();
  const outputs: Record<string, unknown> = {};
  for (const s of steps) {
    const done = summary.finished.get(s.id);
    records.set(s.id, {
      id: s.id,
      title: s.title,
      region: s.region,
      mutates: s.mutates,
      result: done ? "skipped-resume" : "not-run",
      startedAt: done?.startedAt,
      finishedAt: done?.at,
      attempts: done?.attempts ?? 0,
      output: done?.output,
      notes: done?.notes ?? [],
    });
    if (done) {
      outputs[s.id] = done.output;
      options.onEvent?.({ type: "step-skip", step: s, result: done.result });
    }
  }

  const finished = new Set(summary.finished.keys());
  const running = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();
  let failure: RunResult["failure"];
  const degraded: RunResult["degraded"] = [];
  for (const [id, f] of summary.finished) {
    if (f.result !== "degraded") continue;
    const impact = steps.find((s) => s.id === id)?.degradable ?? "";
    const message = (f.output as { error?: { message?: string } } | undefined)?.error?.message;
    degraded.push({ stepId: id, message: message ?? "failed in an earlier attempt", impact });
  }
  let declined = false;

  const execute = async (step: Step): Promise<void> => {
    const record = records.get(step.id)!;
    const startedAt = now();
    record.startedAt = startedAt;
    journal.append(runId, { type: "step-started", at: startedAt, id: step.id });
    options.onEvent?.({ type: "step-start", step, at: startedAt });
    const controller = new AbortController();
    controllers.set(step.id, controller);
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
        once: true,
      }),
    );
    aborted.catch(() => undefined);
    const ctx: StepContext = {
      runId,
      clock,
      outputs,
      signal: controller.signal,
      note: (message) => {
        record.notes.push(message);
        options.onEvent?.({ type: "step-note", step, message });
      },
    };
    const attemptMs = (step.attemptTimeoutSeconds ?? options.attemptTimeoutSeconds ?? 30) * 1000;
    const attempt = <T>(what: string, fn: () => Promise<T>) =>
      withTimeout(clock, attemptMs, `${step.id}: ${what}`, fn);
    let lastDetail: string | undefined;

    const body = async (): Promise<{
      result: "done" | "already-done" | "approved";
      output?: unknown;
    }> => {
      if (step.approval) {
        const ok = await options.approver({
          stepId: step.id,
          prompt: step.approval.prompt(ctx),
          typed: step.approval.typed,
        });
        if (!ok) throw new ApprovalDeclined();
        return { result: "approved" };
      }
      const acted = await withRetry(
        async (n) => {
          record.attempts = n;
          if (step.isDone && (await attempt("isDone", () => step.isDone!(ctx)))) {
            return { result: "already-done" as const };
          }
          if (step.precondition) await attempt("precondition", () => step.precondition!(ctx));
          const output = step.run ? await attempt("run", () => step.run!(ctx)) : undefined;
          return { result: "done" as const, output };
        },
        {
          clock,
          random: options.random,
          policy: step.retry ?? DEFAULT_RETRY,
          signal: controller.signal,
          onRetry: (e) => options.onEvent?.({ type: "step-retry", step, ...e }),
        },
      );
      if (step.verify && acted.result === "done") {
        let polls = 0;
        for (;;) {
          let check: VerifyResult;
          try {
            check = await attempt("verify", () => step.verify!(ctx));
          } catch (e) {
            if (!isTransient(e)) throw e;
            check = { ok: false, detail: `check failed transiently: ${(e as Error).message}` };
          }
          if (check.ok) break;
          lastDetail = check.detail;
          options.onEvent?.({
            type: "step-wait",
            step,
            detail: check.detail ?? "waiting",
            elapsedMs: now() - startedAt,
          });
          await clock.sleep(pollDelayMs(step.pollSeconds ?? 5, ++polls), controller.signal);
        }
      }
      return acted;
    };

    try {
      // A failure elsewhere aborts this step at once: waiting out a 15-minute verify before
      // telling the operator would waste the outage. The step reruns on resume.
      const { result, output } = await Promise.race([
        withTimeout(
          clock,
          step.timeoutSeconds * 1000,
          step.id,
          body,
          () => new StepTimeoutError(step.id, step.timeoutSeconds, lastDetail),
        ),
        aborted,
      ]);
      controller.abort(new Error("step finished"));
      const at = now();
      record.result = result;
      record.finishedAt = at;
      record.output = output;
      outputs[step.id] = output;
      journal.append(runId, {
        type: "step-finished",
        at,
        id: step.id,
        result,
        startedAt,
        attempts: record.attempts,
        output,
        notes: record.notes,
      });
      finished.add(step.id);
      options.onEvent?.({ type: "step-end", step, result, elapsedMs: at - startedAt });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      controller.abort(error);
      const at = now();
      const isDecline = error instanceof ApprovalDeclined;
      const isCancel = error instanceof StepCancelled;
      record.finishedAt = at;
      record.error = { name: error.name, message: error.message };
      if (step.degradable && !isDecline && !isCancel) {
        // The run goes on without it: recorded as finished-but-degraded, for its dependents
        // and for a resume alike.
        record.result = "degraded";
        journal.append(runId, {
          type: "step-finished",
          at,
          id: step.id,
          result: "degraded",
          startedAt,
          attempts: record.attempts,
          output: { error: record.error },
          notes: record.notes,
        });
        finished.add(step.id);
        degraded.push({ stepId: step.id, message: error.message, impact: step.degradable });
        options.onEvent?.({
          type: "step-end",
          step,
          result: "degraded",
          elapsedMs: at - startedAt,
          error,
        });
        return;
      }
      record.result = isDecline ? "declined" : isCancel ? "cancelled" : "failed";
      journal.append(runId, {
        type: "step-failed",
        at,
        id: step.id,
        startedAt,
        attempts: record.attempts,
        error: record.error,
        notes: record.notes,
      });
      if (isDecline) declined = true;
      else if (!isCancel)
        failure ??= {
          stepId: step.id,
          message: error.message,
          ifFailed: step.ifFailed,
          timedOut: error instanceof StepTimeoutError,
        };
      options.onEvent?.({
        type: "step-end",
        step,
        result: record.result,
        elapsedMs: at - startedAt,
        error,
      });
      if (!isCancel) {
        for (const [id, other] of controllers) {
          if (id !== step.id) other.abort(new StepCancelled(step.id));
        }
      }
    } finally {
      controllers.delete(step.id);
    }
  };

  for (;;) {
    if (!failure && !declined) {
      for (const s of steps) {
        if (finished.has(s.id) || running.has(s.id)) continue;
        if (["failed", "cancelled"].includes(records.get(s.id)!.result)) continue;
        if (!s.dependsOn.every((d) => finished.has(d))) continue;
        // Approval gates run one at a time: two prompts on one terminal would interleave.
        if (s.approval && [...running.keys()].some((id) => records.get(id) && isGate(steps, id)))
          continue;
        const p = execute(s).finally(() => running.delete(s.id));
        running.set(s.id, p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const allDone = steps.every((s) => finished.has(s.id));
  const mutated = steps.some(
    (s) => s.mutates && finished.has(s.id) && records.get(s.id)!.result === "done",
  );
  const status: RunResult["status"] = allDone
    ? "succeeded"
    : declined && !failure && !mutated
      ? "cancelled"
      : "failed";
  if (declined && !failure) {
    failure = {
      stepId: steps.find((s) => records.get(s.id)!.result === "declined")!.id,
      message: "the operator declined the approval",
      timedOut: false,
    };
  }
  const interrupted = steps
    .filter((s) => s.mutates && records.get(s.id)!.result === "cancelled")
    .map((s) => s.id);
  if (failure && interrupted.length > 0) failure.interrupted = interrupted;
  const finishedAt = now();
  journal.finish(runId, { type: "run-finished", at: finishedAt, status });

  const timing: Record<string, { startedAt: number; finishedAt: number }> = {};
  for (const r of records.values()) {
    if (r.startedAt !== undefined && r.finishedAt !== undefined && finished.has(r.id)) {
      timing[r.id] = { startedAt: r.startedAt, finishedAt: r.finishedAt };
    }
  }
  return {
    runId,
    command: options.command,
    params: summary.header?.params ?? options.params,
    status,
    startedAt: runStartedAt,
    finishedAt,
    steps: steps.map((s) => records.get(s.id)!),
    criticalPath: actualCriticalPath(steps, timing),
    degraded,
    failure,
    resumes: summary.resumes,
  };
}

/**
 * The wait before the n-th re-check of a postcondition: 1 s, 2 s, 4 s... up to the step's poll
 * interval. An operation that finishes fast (an alarm flip, a promotion on a quiet cluster) is
 * seen within a second or two instead of a whole interval later; a slow one is polled at the
 * step's own rate.
 */
export function pollDelayMs(pollSeconds: number, n: number): number {
  return Math.min(pollSeconds, 2 ** Math.max(0, n - 1)) * 1000;
}

function isGate(steps: Step[], id: string): boolean {
  return steps.some((s) => s.id === id && s.approval !== undefined);
}
