import * as fs from "fs";
import * as path from "path";
import { DrillResult } from "./harness";

/**
 * What a drill leaves behind: the machine summary (`--json`), a Markdown report, an SVG
 * timeline, and the terminal timeline. Times are seconds from the drill's reference point:
 * the fault, or the command for a plain switchover.
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
    noLostWritesOnSwitchover: boolean | null;
    converged: boolean;
  };
}

const rel = (r: DrillResult, t: number) => round(t - r.referenceSeconds);

/** The `--json` document (the shape documented in the README (Drills)). */
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

/** Did the drill pass: invariants hold and RTO/RPO are within the manifests' targets. */
export function drillVerdict(r: DrillResult): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  if (!r.invariants.singleWriter) {
    problems.push(
      `two regions accepted writes at once (first at ${rel(r, r.writerViolations[0]?.at ?? 0)} s)`,
    );
  }
  if (!r.invariants.oneWriterRecord) {
    problems.push(
      `two writer records were healthy at once (first at ${rel(r, r.writerRecordOverlaps[0]?.at ?? 0)} s: ${r.writerRecordOverlaps[0]?.regions.join(", ")})`,
    );
  }
  if (r.invariants.noLostWritesOnSwitchover === false)
    problems.push("the switchover lost acknowledged writes");
  if (!r.invariants.converged)
    problems.push(`the run did not converge on one healthy writer in ${r.to}`);
  if (r.rtoSeconds === null) problems.push(`no write was acknowledged in ${r.to}`);
  else if (r.rtoSeconds > r.rtoTargetSeconds)
    problems.push(`RTO ${r.rtoSeconds} s is over the ${r.rtoTargetSeconds} s target`);
  for (const s of r.stores) {
    if (s.rpoSeconds > s.rpoTargetSeconds)
      problems.push(`${s.store}: RPO ${s.rpoSeconds} s is over the ${s.rpoTargetSeconds} s target`);
  }
  return { ok: problems.length === 0, problems };
}

/** The human report printed on the terminal. */
export function renderText(r: DrillResult): string {
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
    `Invariants: single writer ${yes(inv.singleWriter)}, one writer record ${yes(inv.oneWriterRecord)}, no lost writes on switchover ${inv.noLostWritesOnSwitchover === null ? "n/a" : yes(inv.noLostWritesOnSwitchover)}, converged ${yes(inv.converged)}`,
  );
  if (r.run.crashes || r.run.resumes)
    lines.push(`Operator: ${r.run.crashes} crash(es), ${r.run.resumes} resume(s) after failures`);
  for (const f of r.run.failures)
    lines.push(`  stopped at ${f.stepId}: ${f.message}${f.ifFailed ? ` -- ${f.ifFailed}` : ""}`);
  const verdict = drillVerdict(r);
  lines.push(
    verdict.ok ? "PASS: within the manifests' targets" : `FAIL: ${verdict.problems.join("; ")}`,
  );
  lines.push(`Replay: failover drill --simulate --scenario ${r.scenario} --seed ${r.seed}`);
  return lines.join("\n") + "\n";
}

export function renderMarkdown(r: DrillResult): string {
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
  out.push("![timeline](timeline.svg)");
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
  out.push(`Replay: \`npx failover drill --simulate --scenario ${r.scenario} --seed ${r.seed}\``);
  return out.join("\n") + "\n";
}

/** Steps as bars on a time axis; faults shaded, DNS flips and the RTO marked. */
export function renderSvg(r: DrillResult): string {
  const rowH = 18;
  const left = 170;
  const width = 900;
  // Room on the right for the marker labels (RTO) drawn at the plot's last instant.
  const plotW = width - left - 50;
  const top = 52;
  const rows = r.steps.length + 1;
  const height = top + rows * rowH + 50;
  const times = [
    0,
    ...r.steps.flatMap((s) => [
      rel(r, s.startSeconds),
      s.endSeconds === null ? 0 : rel(r, s.endSeconds),
    ]),
    ...r.timeline.map((e) => rel(r, e.at)),
    r.rtoSeconds ?? 0,
  ];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(`Drill ${r.scenario} (seed ${r.seed}): ${r.from} -> ${r.to}, RTO ${r.rtoSeconds ?? "none"} s (target ${r.rtoTargetSeconds} s)`)}</text>`,
  );
  // Faults as shaded spans.
  for (const f of r.faults) {
    const a = x(rel(r, f.spec.at));
    const b = x(f.spec.until === undefined ? t1 : rel(r, f.spec.until));
    out.push(
      `<rect x="${a.toFixed(1)}" y="${top - 8}" width="${Math.max(1, b - a).toFixed(1)}" height="${rows * rowH + 8}" fill="#f8d7da" opacity="0.6"><title>${esc(f.text)}</title></rect>`,
    );
  }
  // Axis.
  const axisY = top + rows * rowH + 8;
  out.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" stroke="#333"/>`);
  const step = niceStep((t1 - t0) / 10);
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    out.push(
      `<line x1="${x(t).toFixed(1)}" y1="${axisY}" x2="${x(t).toFixed(1)}" y2="${axisY + 4}" stroke="#333"/>`,
    );
    out.push(
      `<text x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW}" y="${axisY + 30}" text-anchor="end">seconds from ${r.scenario === "switchover" ? "the command" : "the fault"}</text>`,
  );
  // Step bars.
  r.steps.forEach((s, i) => {
    const y = top + i * rowH;
    const a = x(rel(r, s.startSeconds));
    const b = x(s.endSeconds === null ? t1 : rel(r, s.endSeconds));
    const color =
      s.result === "failed" || s.result === "interrupted"
        ? "#dc3545"
        : s.result === "already-done"
          ? "#6c757d"
          : "#0d6efd";
    out.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${esc(s.name)}</text>`);
    out.push(
      `<rect x="${a.toFixed(1)}" y="${y + 3}" width="${Math.max(1.5, b - a).toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${esc(`${s.name}: ${rel(r, s.startSeconds)}-${s.endSeconds === null ? "?" : rel(r, s.endSeconds)} s, ${s.result}`)}</title></rect>`,
    );
  });
  // Writers strip.
  const wy = top + r.steps.length * rowH;
  out.push(`<text x="${left - 6}" y="${wy + 12}" text-anchor="end">accepting writes</text>`);
  const hist = r.timeline.filter((e) => e.kind === "writers");
  hist.forEach((h, i) => {
    const a = x(Math.max(t0, rel(r, h.at)));
    const b = x(i + 1 < hist.length ? rel(r, hist[i + 1].at) : t1);
    const none = h.text.endsWith("none");
    const two = h.text.includes(",");
    out.push(
      `<rect x="${a.toFixed(1)}" y="${wy + 3}" width="${Math.max(0.5, b - a).toFixed(1)}" height="${rowH - 6}" fill="${two ? "#dc3545" : none ? "#adb5bd" : "#198754"}"><title>${esc(h.text)}</title></rect>`,
    );
  });
  // Markers.
  const marker = (t: number, color: string, label: string, dy: number) => {
    out.push(
      `<line x1="${x(t).toFixed(1)}" y1="${top - 12}" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    );
    // Labels in the right half read leftwards of their line, so none runs off the picture.
    const right = x(t) > left + plotW / 2;
    out.push(
      `<text x="${(x(t) + (right ? -3 : 3)).toFixed(1)}" y="${top - 14 + dy}" fill="${color}"${right ? ' text-anchor="end"' : ""}>${esc(label)}</text>`,
    );
  };
  for (const e of r.timeline.filter((e) => e.kind === "dns"))
    marker(rel(r, e.at), "#6f42c1", "DNS", 0);
  for (const e of r.timeline.filter((e) => e.kind === "crash"))
    marker(rel(r, e.at), "#fd7e14", "crash", 0);
  if (r.rtoSeconds !== null) marker(r.rtoSeconds, "#198754", `RTO ${fmt(r.rtoSeconds)} s`, 10);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Writes drill.json (everything), drill.md and timeline.svg; returns the paths. */
export function writeDrillReport(r: DrillResult, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    "drill.json": JSON.stringify({ summary: drillSummary(r), detail: r }, null, 2) + "\n",
    "drill.md": renderMarkdown(r),
    "timeline.svg": renderSvg(r),
  };
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
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

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
