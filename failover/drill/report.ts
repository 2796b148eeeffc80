import * as fs from "fs";
import * as path from "path";
import { drillVerdict } from "./checker";
import { FaultSpec } from "./faults";
import type { DrillResult } from "./harness";
import { renderPng, renderSvg } from "./picture";

export { drillVerdict } from "./checker";
export { renderSvg } from "./picture";

/**
 * What a drill leaves behind: the machine summary (`--json`), a Markdown report, the timeline
 * picture (SVG and PNG, picture.ts), and the terminal timeline. Times are seconds from the
 * drill's reference point: the fault, or the command for a plain switchover.
 */

export interface DrillSummary {
  scenario: string;
  seed: number;
  rtoSeconds: number | null;
  rtoTargetSeconds: number;
  criticalPathSeconds: number | null;
  stores: { store: string; rpoSeconds: number; lostWrites: number }[];
  steps: { name: string; startSeconds: number; endSeconds: number | null }[];
  invariants: {
    singleWriter: boolean;
    oneWriterRecord: boolean;
    /** Null on a failover (the failed region is never called). */
    oneConsumerRegion: boolean | null;
    noLostWritesOnSwitchover: boolean | null;
    converged: boolean;
  };
}

const rel = (r: DrillResult, t: number) => round(t - r.referenceSeconds);

/** The `--json` document (the shape documented in docs/drills.md). */
export function drillSummary(r: DrillResult): DrillSummary {
  return {
    scenario: r.scenario,
    seed: r.seed,
    rtoSeconds: r.rtoSeconds,
    rtoTargetSeconds: r.rtoTargetSeconds,
    criticalPathSeconds: r.criticalPathSeconds,
    stores: r.stores.map((s) => ({
      store: s.store,
      rpoSeconds: s.rpoSeconds,
      lostWrites: s.lostWrites,
    })),
    steps: r.steps.map((s) => ({
      name: s.name,
      startSeconds: rel(r, s.startSeconds),
      endSeconds: s.endSeconds === null ? null : rel(r, s.endSeconds),
    })),
    invariants: { ...r.invariants },
  };
}

/** The human report printed on the terminal. */
/** The command that replays a run when the caller did not give one (seed and scenario only). */
function defaultReplay(r: DrillResult): string {
  return `failover drill --simulate --scenario ${r.scenario} --seed ${r.seed} --to ${r.to}`;
}

export function renderText(r: DrillResult, replay = defaultReplay(r)): string {
  const lines: string[] = [];
  const ref = r.scenario === "switchover" ? "the command" : "the fault";
  lines.push(
    `Drill ${r.scenario} (seed ${r.seed}): ${r.command} ${r.from} -> ${r.to}, simulated; times in seconds from ${ref}`,
  );
  lines.push("");
  lines.push("Timeline");
  for (const e of r.timeline)
    lines.push(`  ${fmt(rel(r, e.at)).padStart(8)}  ${e.kind.padEnd(11)} ${e.text}`);
  lines.push("");
  lines.push("Steps");
  for (const s of r.steps) {
    const end = s.endSeconds === null ? "      -" : fmt(rel(r, s.endSeconds)).padStart(7);
    const extra = s.attempts > 1 ? ` (${s.attempts} attempts)` : "";
    lines.push(
      `  ${fmt(rel(r, s.startSeconds)).padStart(7)} ${end}  ${s.result.padEnd(12)} ${s.name}${extra}`,
    );
  }
  lines.push("");
  const rto =
    r.rtoSeconds === null ? "none (no write in the new region)" : `${fmt(r.rtoSeconds)} s`;
  lines.push(
    `RTO ${rto}   target ${r.rtoTargetSeconds} s   critical-path bound ${r.criticalPathSeconds ?? "-"} s   sequential runbook ${r.sequentialSeconds ?? "-"} s`,
  );
  lines.push("RPO per store");
  for (const s of r.stores) {
    lines.push(
      `  ${s.store.padEnd(28)} ${fmt(s.rpoSeconds).padStart(7)} s   ${String(s.lostWrites).padStart(4)} of ${s.ackedWrites} acknowledged writes lost   target ${s.rpoTargetSeconds} s`,
    );
  }
  if (r.mskOffsetSyncAgeSeconds !== null) {
    lines.push(
      `  MSK consumers in ${r.to} resume from offsets synced ${fmt(r.mskOffsetSyncAgeSeconds)} s before ${r.scenario === "switchover" ? "the command" : "the fault"} (reprocessed, not lost)`,
    );
  }
  lines.push("");
  const inv = r.invariants;
  lines.push(
    `Invariants: single writer ${yes(inv.singleWriter)}, one writer record ${yes(inv.oneWriterRecord)}, one consumer region ${inv.oneConsumerRegion === null ? "n/a" : yes(inv.oneConsumerRegion)}, no lost writes on switchover ${inv.noLostWritesOnSwitchover === null ? "n/a" : yes(inv.noLostWritesOnSwitchover)}, converged ${yes(inv.converged)}`,
  );
  if (r.run.crashes || r.run.resumes)
    lines.push(`Operator: ${r.run.crashes} crash(es), ${r.run.resumes} resume(s) after failures`);
  for (const f of r.run.failures)
    lines.push(`  stopped at ${f.stepId}: ${f.message}${f.ifFailed ? ` -- ${f.ifFailed}` : ""}`);
  const verdict = drillVerdict(r);
  lines.push(
    verdict.ok ? "PASS: within the manifests' targets" : `FAIL: ${verdict.problems.join("; ")}`,
  );
  lines.push(`Replay: ${replay}`);
  return lines.join("\n") + "\n";
}

export function renderMarkdown(r: DrillResult, replay = defaultReplay(r)): string {
  const out: string[] = [];
  const verdict = drillVerdict(r);
  out.push(`# Drill: ${r.scenario} (seed ${r.seed})`);
  out.push("");
  out.push(
    `Simulated ${r.command} of the writer from **${r.from}** to **${r.to}**, run by the real failover engine and runbooks in virtual time. Times are seconds from ${r.scenario === "switchover" ? "the command" : "the fault"}.`,
  );
  out.push("");
  out.push(
    `**${verdict.ok ? "PASS" : "FAIL"}**${verdict.ok ? "" : `: ${verdict.problems.join("; ")}`}`,
  );
  out.push("");
  out.push("![timeline](timeline.png)");
  out.push("");
  out.push("| measure | value | target |");
  out.push("| --- | --- | --- |");
  out.push(
    `| RTO (to the first acknowledged write in ${r.to}) | ${r.rtoSeconds ?? "none"} s | ${r.rtoTargetSeconds} s |`,
  );
  out.push(`| critical-path lower bound | ${r.criticalPathSeconds ?? "-"} s | |`);
  out.push(`| sequential runbook of the same steps | ${r.sequentialSeconds ?? "-"} s | |`);
  if (r.rtoSeconds !== null && r.criticalPathSeconds)
    out.push(`| RTO / critical path | ${ratio(r.rtoSeconds, r.criticalPathSeconds)} | <= 1.05 |`);
  if (r.rtoSeconds !== null && r.sequentialSeconds)
    out.push(`| RTO / sequential | ${ratio(r.rtoSeconds, r.sequentialSeconds)} | <= 0.6 |`);
  out.push("");
  out.push("## RPO per store");
  out.push("");
  out.push("| store | RPO (s) | lost acknowledged writes | acknowledged writes | target (s) |");
  out.push("| --- | --- | --- | --- | --- |");
  for (const s of r.stores)
    out.push(
      `| ${s.store} | ${s.rpoSeconds} | ${s.lostWrites} | ${s.ackedWrites} | ${s.rpoTargetSeconds} |`,
    );
  if (r.mskOffsetSyncAgeSeconds !== null) {
    out.push("");
    out.push(
      `MSK consumer groups in ${r.to} resume from offsets synced ${r.mskOffsetSyncAgeSeconds} s before ${r.scenario === "switchover" ? "the command" : "the fault"}; records after that are reprocessed, not lost.`,
    );
  }
  out.push("");
  out.push("## Invariants");
  out.push("");
  out.push(`- never two regions accepting writes: ${yes(r.invariants.singleWriter)}`);
  out.push(`- never two writer records healthy at once: ${yes(r.invariants.oneWriterRecord)}`);
  out.push(
    `- never two regions' writer-only consumers at once: ${r.invariants.oneConsumerRegion === null ? "n/a (failover)" : yes(r.invariants.oneConsumerRegion)}`,
  );
  out.push(
    `- a switchover loses no acknowledged write: ${r.invariants.noLostWritesOnSwitchover === null ? "n/a (no switchover)" : yes(r.invariants.noLostWritesOnSwitchover)}`,
  );
  out.push(`- ends with one healthy writer in ${r.to}: ${yes(r.invariants.converged)}`);
  out.push("");
  out.push("## Steps");
  out.push("");
  out.push("| step | start | end | result | attempts | operator process |");
  out.push("| --- | --- | --- | --- | --- | --- |");
  for (const s of r.steps) {
    out.push(
      `| ${s.name} | ${rel(r, s.startSeconds)} | ${s.endSeconds === null ? "-" : rel(r, s.endSeconds)} | ${s.result} | ${s.attempts} | ${s.session} |`,
    );
  }
  out.push("");
  out.push("## Timeline");
  out.push("");
  for (const e of r.timeline) out.push(`- ${rel(r, e.at)} s — ${e.kind}: ${e.text}`);
  if (r.run.failures.length > 0) {
    out.push("");
    out.push("## Safe stops");
    out.push("");
    for (const f of r.run.failures)
      out.push(`- ${f.stepId}: ${f.message}${f.ifFailed ? ` — ${f.ifFailed}` : ""}`);
  }
  out.push("");
  out.push(
    `Simulator: ${r.sim.virtualSeconds} virtual seconds, ${r.sim.events} events, ${r.calls.total} API calls (${r.calls.toFailedRegion} to the failed region after the command), ${r.sim.ackedWrites} acknowledged canary writes.`,
  );
  out.push("");
  out.push(`Replay: \`${replay}\``);
  return out.join("\n") + "\n";
}

/**
 * Writes drill.json (everything, and the replay command), drill.md, timeline.svg and
 * timeline.png, and faults.json: the faults file's faults as the run read them (seconds from the
 * drill's time zero), which the replay command reads. Returns the paths.
 */
export function writeDrillReport(
  r: DrillResult,
  dir: string,
  o: { replay?: string; fileFaults?: readonly FaultSpec[] } = {},
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const replay = o.replay ?? defaultReplay(r);
  const svg = renderSvg(r);
  const files: Record<string, string | Buffer> = {
    "drill.json": JSON.stringify({ summary: drillSummary(r), replay, detail: r }, null, 2) + "\n",
    "drill.md": renderMarkdown(r, replay),
    "timeline.svg": svg,
    "timeline.png": renderPng(svg),
  };
  const faultsFile = path.join(dir, "faults.json");
  if (o.fileFaults?.length) files["faults.json"] = JSON.stringify(o.fileFaults, null, 2) + "\n";
  // A faults.json left by an earlier drill would read as this one's.
  else fs.rmSync(faultsFile, { force: true });
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  });
}

function ratio(a: number, b: number): string {
  return (a / b).toFixed(2);
}

function yes(b: boolean): string {
  return b ? "yes" : "NO";
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
