import { plannedCriticalPath, Step } from "./graph";
import { RunResult } from "./runner";

/** The run report: JSON for machines, Markdown for the incident channel. */
export interface RunReport {
  runId: string;
  command: string;
  status: RunResult["status"];
  params: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  /** Time along the actual critical path (the run's real duration, minus waiting to resume). */
  criticalPath: { steps: string[]; seconds: number };
  /** The same graph's budget, for comparison. */
  budget: { criticalPath: string[]; seconds: number };
  /** What the steps would have taken one after another: what parallelism saved. */
  sumOfStepsSeconds: number;
  resumes: number;
  steps: {
    id: string;
    title: string;
    region?: string;
    mutates: boolean;
    result: string;
    startedAt?: string;
    elapsedSeconds?: number;
    attempts: number;
    notes: string[];
    output?: unknown;
    error?: { name: string; message: string };
  }[];
  failure?: RunResult["failure"];
  /** Steps whose failure degraded the run without stopping it, and what that means. */
  degraded: RunResult["degraded"];
  /** Failover only: the data-loss estimate from the last lag seen before promotion. */
  rpoEstimate?: Record<string, unknown>;
  /** What to do next, in one sentence. */
  next?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const secs = (ms: number) => Math.round(ms) / 1000;

export function buildRunReport(result: RunResult, steps: Step[], next?: string): RunReport {
  const elapsed = (id: string) => {
    const r = result.steps.find((s) => s.id === id);
    return r?.startedAt !== undefined && r.finishedAt !== undefined
      ? r.finishedAt - r.startedAt
      : 0;
  };
  const cp = result.criticalPath;
  const planned = plannedCriticalPath(steps);
  return {
    runId: result.runId,
    command: result.command,
    status: result.status,
    params: result.params,
    startedAt: iso(result.startedAt),
    finishedAt: iso(result.finishedAt),
    totalSeconds: secs(result.finishedAt - result.startedAt),
    criticalPath: { steps: cp, seconds: secs(cp.reduce((t, id) => t + elapsed(id), 0)) },
    budget: { criticalPath: planned.steps, seconds: planned.seconds },
    sumOfStepsSeconds: secs(result.steps.reduce((t, s) => t + elapsed(s.id), 0)),
    resumes: result.resumes,
    steps: result.steps.map((s) => ({
      id: s.id,
      title: s.title,
      region: s.region,
      mutates: s.mutates,
      result: s.result,
      startedAt: s.startedAt !== undefined ? iso(s.startedAt) : undefined,
      elapsedSeconds:
        s.startedAt !== undefined && s.finishedAt !== undefined
          ? secs(s.finishedAt - s.startedAt)
          : undefined,
      attempts: s.attempts,
      notes: s.notes,
      output: s.output,
      error: s.error,
    })),
    failure: result.failure,
    degraded: result.degraded,
    next,
  };
}

export function renderRunMarkdown(r: RunReport): string {
  const p = r.params as { from?: string; to?: string; epoch?: number };
  const lines = [
    `# ${r.command} ${p.from ?? "?"} -> ${p.to ?? "?"}: ${r.status}`,
    "",
    `- Run: \`${r.runId}\` (epoch ${p.epoch ?? "?"}${r.resumes ? `, resumed ${r.resumes}x` : ""})`,
    `- Started ${r.startedAt}, finished ${r.finishedAt}: **${r.totalSeconds} s**`,
    `- Critical path: ${r.criticalPath.seconds} s (${r.criticalPath.steps.join(" -> ")})`,
    `- Budgeted critical path: ${r.budget.seconds} s; steps one after another would take ${r.sumOfStepsSeconds} s`,
  ];
  if (r.failure) {
    lines.push(`- Failed at \`${r.failure.stepId}\`: ${r.failure.message}`);
    if (r.failure.ifFailed) lines.push(`- State: ${r.failure.ifFailed}`);
    if (r.failure.interrupted?.length) {
      lines.push(`- Stopped while under way: ${r.failure.interrupted.join(", ")}`);
    }
  }
  for (const d of r.degraded) {
    lines.push(`- **Degraded** \`${d.stepId}\`: ${d.message}. ${d.impact}`);
  }
  if (r.rpoEstimate) {
    const parts = Object.entries(r.rpoEstimate).map(([k, v]) => `${k} ${String(v)}`);
    lines.push(`- RPO estimate (last lag before promotion): ${parts.join(", ")}`);
  }
  if (r.next) lines.push(`- Next: ${r.next}`);
  lines.push(
    "",
    "| step | region | changes AWS | result | seconds | attempts | notes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const s of r.steps) {
    const notes = [...s.notes, ...(s.error ? [`${s.error.name}: ${s.error.message}`] : [])]
      .join("; ")
      .replace(/\|/g, "\\|");
    lines.push(
      `| ${s.id} | ${s.region ?? ""} | ${s.mutates ? "yes" : "no"} | ${s.result} | ${s.elapsedSeconds ?? ""} | ${s.attempts} | ${notes} |`,
    );
  }
  return lines.join("\n") + "\n";
}
