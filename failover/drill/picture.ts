import { drillVerdict } from "./checker";
import { FaultSpec, faultRegions } from "./faults";
import type { DrillResult } from "./harness";

/**
 * The timeline picture for an incident review (timeline.svg, and timeline.png beside it):
 *  - a lane per region showing when its application accepted writes, in the region's colour
 *    (legend at the bottom), with the region's faults shaded in its lane;
 *  - every fault as a labelled bar (the label is on the picture, not in a tooltip);
 *  - the writer name's answers as a lane in the answered region's colour, each change labelled
 *    with the region it answers;
 *  - the operator's command, crashes, safe stops and resumes;
 *  - the runbook's steps;
 *  - the RTO target as a line, the measured RTO, and PASS or a red FAIL with its reasons.
 * Times are seconds from the drill's time zero (the fault, or the command for a switchover).
 */

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22"];
const RED = "#d62728";
const FAULT_FILL = "#f4b6b8";
const DEGRADED_FILL = "#fde2b8";
const CHAR_W = 6.3; // DejaVu Sans / Arial at 11 px, on average
// A white outline behind a label, so that lines crossing it do not cut through the text.
const HALO = ' stroke="#fff" stroke-width="3" paint-order="stroke"';

export function regionColors(r: DrillResult): Map<string, string> {
  return new Map(r.regions.map((region, i) => [region, PALETTE[i % PALETTE.length]]));
}

export function renderSvg(r: DrillResult): string {
  const verdict = drillVerdict(r);
  const colors = regionColors(r);
  const rel = (t: number) => Math.round((t - r.referenceSeconds) * 1000) / 1000;
  const events = r.timeline.map((e) => ({ ...e, t: rel(e.at) }));
  const end = Math.max(
    ...events.map((e) => e.t),
    ...r.steps.map((s) => (s.endSeconds === null ? 0 : rel(s.endSeconds))),
    r.rtoSeconds ?? 0,
  );
  // From shortly before the first fault or command to the RTO target, whichever is later.
  const start = Math.min(
    -10,
    ...r.faults.map((f) => rel(f.spec.at) - 10),
    ...(r.commandStartSeconds === null ? [] : [rel(r.commandStartSeconds) - 10]),
  );
  const t0 = start;
  const t1 = Math.max(end, r.rtoTargetSeconds) * 1.04 + 5;

  const width = 1200;
  const left = 190;
  const right = 30;
  const plotW = width - left - right;
  const x = (t: number) => left + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * plotW;
  const out: string[] = [];
  let y = 0;

  // Header: what ran, and the verdict big enough to see from across the room.
  const problems = verdict.ok ? [] : wrap(verdict.problems.join("; "), 140);
  const headerH = 58 + problems.length * 15;
  out.push(
    `<text x="12" y="24" font-size="16" font-weight="bold">${esc(`Drill ${r.scenario} (seed ${r.seed}): ${r.command} ${r.from} → ${r.to}`)}</text>`,
  );
  out.push(
    `<text x="12" y="44" font-size="12">${esc(`RTO ${r.rtoSeconds === null ? "none (no write in " + r.to + ")" : `${fmt(r.rtoSeconds)} s`}, target ${r.rtoTargetSeconds} s; RPO per store ${r.stores.map((s) => `${s.store} ${fmt(s.rpoSeconds)} s`).join(", ")}`)}</text>`,
  );
  const badge = verdict.ok ? "PASS" : "FAIL";
  const badgeColor = verdict.ok ? "#2e7d32" : RED;
  out.push(
    `<rect x="${width - 130}" y="8" width="112" height="40" rx="6" fill="${badgeColor}"/>`,
    `<text x="${width - 74}" y="38" font-size="26" font-weight="bold" fill="#fff" text-anchor="middle">${badge}</text>`,
  );
  problems.forEach((line, i) =>
    out.push(
      `<text x="12" y="${62 + i * 15}" font-size="12" fill="${RED}" font-weight="bold">${esc(i === 0 ? `FAIL: ${line}` : line)}</text>`,
    ),
  );
  y = headerH + 6;

  const sectionTitle = (text: string) => {
    out.push(`<text x="12" y="${y + 12}" font-size="12" font-weight="bold">${esc(text)}</text>`);
    y += 18;
  };
  const laneLabel = (text: string, ly: number, color = "#000") =>
    out.push(
      `<text x="${left - 8}" y="${ly + 13}" text-anchor="end" fill="${color}">${esc(text)}</text>`,
    );
  const plotTop = y;
  const lane = 20;

  // Faults, one labelled bar each.
  sectionTitle("Faults");
  if (r.faults.length === 0) {
    out.push(`<text x="${left}" y="${y + 12}" fill="#666">none injected</text>`);
    y += lane;
  }
  for (const f of r.faults) {
    const a = x(rel(f.spec.at));
    const b = x(f.spec.until === undefined ? t1 : rel(f.spec.until));
    laneLabel(faultKind(f.spec), y);
    out.push(
      `<rect x="${a.toFixed(1)}" y="${y + 2}" width="${Math.max(2, b - a).toFixed(1)}" height="${lane - 4}" fill="${isOutage(f.spec) ? FAULT_FILL : DEGRADED_FILL}" stroke="${RED}" stroke-width="0.8"/>`,
    );
    const span =
      f.spec.until === undefined
        ? `from ${fmt(rel(f.spec.at))} s on`
        : `${fmt(rel(f.spec.at))} s to ${fmt(rel(f.spec.until))} s`;
    const label = `${f.text.replace(/ until [-\d.]+ s$/, "")}: ${span}`;
    out.push(textIn(label, a, b, y + 14, left + plotW));
    y += lane;
  }
  y += 6;

  // Who accepts writes: a lane per region, its faults shaded behind.
  sectionTitle("Accepting writes");
  const writers = events.filter((e) => e.kind === "writers");
  const lanesTop = y;
  for (const region of r.regions) {
    const color = colors.get(region)!;
    laneLabel(region, y, color);
    out.push(
      `<rect x="${left}" y="${y + 2}" width="${plotW}" height="${lane - 4}" fill="#f4f4f4"/>`,
    );
    for (const f of r.faults) {
      if (!faultRegions(f.spec).includes(region)) continue;
      const a = x(rel(f.spec.at));
      const b = x(f.spec.until === undefined ? t1 : rel(f.spec.until));
      out.push(
        `<rect x="${a.toFixed(1)}" y="${y + 2}" width="${Math.max(1, b - a).toFixed(1)}" height="${lane - 4}" fill="${isOutage(f.spec) ? FAULT_FILL : DEGRADED_FILL}" opacity="0.7"/>`,
      );
    }
    writers.forEach((w, i) => {
      if (!(w.regions ?? []).includes(region)) return;
      const a = x(w.t);
      const b = x(i + 1 < writers.length ? writers[i + 1].t : t1);
      if (b <= a) return;
      out.push(
        `<rect x="${a.toFixed(1)}" y="${y + 4}" width="${(b - a).toFixed(1)}" height="${lane - 8}" fill="${color}"/>`,
      );
    });
    y += lane;
  }
  // Two writers at once: a red band across every lane, labelled.
  writers.forEach((w, i) => {
    if ((w.regions ?? []).length < 2) return;
    const a = x(w.t);
    const b = x(i + 1 < writers.length ? writers[i + 1].t : t1);
    out.push(
      `<rect x="${a.toFixed(1)}" y="${lanesTop}" width="${Math.max(3, b - a).toFixed(1)}" height="${y - lanesTop}" fill="none" stroke="${RED}" stroke-width="2.5"/>`,
      `<text x="${(a + 3).toFixed(1)}" y="${lanesTop - 4}" fill="${RED}" font-weight="bold"${HALO}>TWO WRITERS AT ONCE</text>`,
    );
  });
  y += 6;

  // The writer name: whom it answers, each change labelled.
  sectionTitle("Writer name (DNS) answers");
  const dns = events.filter((e) => e.kind === "dns");
  const dnsY = y;
  laneLabel("writer name →", y);
  out.push(`<rect x="${left}" y="${y + 2}" width="${plotW}" height="${lane - 4}" fill="#f4f4f4"/>`);
  // Before the first change it answers the writer the drill started with.
  const answers = [
    { t: t0, regions: [r.regions[0]] },
    ...dns.map((d) => ({ t: d.t, regions: d.regions ?? [] })),
  ];
  answers.forEach((d, i) => {
    const a = x(d.t);
    const b = x(i + 1 < answers.length ? answers[i + 1].t : t1);
    const h = (lane - 8) / Math.max(1, d.regions.length);
    d.regions.forEach((region, j) =>
      out.push(
        `<rect x="${a.toFixed(1)}" y="${(y + 4 + j * h).toFixed(1)}" width="${Math.max(0.5, b - a).toFixed(1)}" height="${h.toFixed(1)}" fill="${colors.get(region) ?? "#999"}"/>`,
      ),
    );
  });
  y += lane;
  // Labels under the lane, staggered so that close changes do not overprint.
  const dnsLabels = placeLabels(
    dns.map((d) => ({ t: d.t, text: `${fmt(d.t)} s: answers ${(d.regions ?? []).join(" + ")}` })),
    x,
    left + plotW,
  );
  drawLabels(out, dnsLabels, dnsY + 2, y);
  y += 6 + Math.max(1, ...dnsLabels.map((l) => l.row + 1)) * 14;

  // The operator: command, crashes, safe stops, resumes, done.
  sectionTitle("Operator");
  const ops = events.filter((e) =>
    ["detected", "command", "crash", "failed", "resume", "done"].includes(e.kind),
  );
  const opY = y;
  laneLabel("failover command", y);
  out.push(
    `<line x1="${left}" y1="${y + lane / 2}" x2="${left + plotW}" y2="${y + lane / 2}" stroke="#ccc"/>`,
  );
  if (r.commandStartSeconds !== null) {
    const a = x(rel(r.commandStartSeconds));
    const b = x(r.commandEndSeconds === null ? t1 : rel(r.commandEndSeconds));
    out.push(
      `<rect x="${a.toFixed(1)}" y="${y + 6}" width="${Math.max(1, b - a).toFixed(1)}" height="${lane - 12}" fill="#adb5bd"/>`,
    );
  }
  for (const e of ops) {
    const c =
      e.kind === "crash" || e.kind === "failed" ? RED : e.kind === "done" ? "#2e7d32" : "#333";
    out.push(`<circle cx="${x(e.t).toFixed(1)}" cy="${y + lane / 2}" r="4" fill="${c}"/>`);
  }
  y += lane;
  const opLabels = placeLabels(
    ops.map((e) => ({ t: e.t, text: `${fmt(e.t)} s: ${opText(e.kind, e.text)}` })),
    x,
    left + plotW,
  );
  drawLabels(out, opLabels, opY + lane / 2 + 4, y);
  y += 6 + Math.max(1, ...opLabels.map((l) => l.row + 1)) * 14;

  // Steps of the runbook.
  sectionTitle("Runbook steps");
  const stepH = 14;
  for (const s of r.steps) {
    const a = x(rel(s.startSeconds));
    const b = x(s.endSeconds === null ? t1 : rel(s.endSeconds));
    const color =
      s.result === "failed" || s.result === "interrupted"
        ? RED
        : s.result === "already-done"
          ? "#9e9e9e"
          : "#4a6fa5";
    out.push(
      `<text x="${left - 8}" y="${y + 11}" text-anchor="end" font-size="10.5">${esc(s.name)}</text>`,
      `<rect x="${a.toFixed(1)}" y="${y + 2}" width="${Math.max(1.5, b - a).toFixed(1)}" height="${stepH - 4}" fill="${color}"><title>${esc(`${s.name}: ${rel(s.startSeconds)}-${s.endSeconds === null ? "?" : rel(s.endSeconds)} s, ${s.result}`)}</title></rect>`,
    );
    y += stepH;
  }
  const plotBottom = y + 4;

  // The RTO target line and the measured RTO, over every lane.
  const target = x(r.rtoTargetSeconds);
  out.push(
    `<line x1="${target.toFixed(1)}" y1="${plotTop}" x2="${target.toFixed(1)}" y2="${plotBottom}" stroke="${RED}" stroke-width="2" stroke-dasharray="8 4"/>`,
    `<text x="${(target - 4).toFixed(1)}" y="${plotTop + 12}" text-anchor="end" fill="${RED}" font-weight="bold"${HALO}>RTO target ${r.rtoTargetSeconds} s</text>`,
  );
  if (r.rtoSeconds !== null) {
    const over = r.rtoSeconds > r.rtoTargetSeconds;
    const c = over ? RED : "#2e7d32";
    const rx = x(r.rtoSeconds);
    out.push(
      `<line x1="${rx.toFixed(1)}" y1="${plotTop + 16}" x2="${rx.toFixed(1)}" y2="${plotBottom}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${(rx + 4).toFixed(1)}" y="${plotTop + 12}" fill="${c}" font-weight="bold"${HALO}>RTO ${fmt(r.rtoSeconds)} s${over ? " — over target" : ""}</text>`,
    );
  }
  // Time zero.
  out.push(
    `<line x1="${x(0).toFixed(1)}" y1="${plotTop}" x2="${x(0).toFixed(1)}" y2="${plotBottom}" stroke="#000" stroke-width="0.8" stroke-dasharray="2 3"/>`,
  );

  // Axis.
  y = plotBottom + 4;
  out.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#333"/>`);
  const tick = niceStep((t1 - t0) / 12);
  for (let t = Math.ceil(t0 / tick) * tick; t <= t1; t += tick) {
    out.push(
      `<line x1="${x(t).toFixed(1)}" y1="${y}" x2="${x(t).toFixed(1)}" y2="${y + 4}" stroke="#333"/>`,
      `<text x="${x(t).toFixed(1)}" y="${y + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW}" y="${y + 32}" text-anchor="end">seconds from ${r.scenario === "switchover" ? "the command" : "the fault"} (0)</text>`,
  );
  y += 44;

  // Legend.
  let lx = 12;
  const legend = (swatch: string, text: string) => {
    out.push(swatch.replace(/\{x\}/g, lx.toFixed(1)).replace(/\{y\}/g, String(y)));
    out.push(`<text x="${(lx + 22).toFixed(1)}" y="${y + 11}">${esc(text)}</text>`);
    lx += 30 + text.length * CHAR_W;
  };
  for (const [region, color] of colors)
    legend(`<rect x="{x}" y="{y}" width="16" height="12" fill="${color}"/>`, region);
  legend(
    `<rect x="{x}" y="{y}" width="16" height="12" fill="${FAULT_FILL}" stroke="${RED}" stroke-width="0.8"/>`,
    "down / isolated",
  );
  legend(
    `<rect x="{x}" y="{y}" width="16" height="12" fill="${DEGRADED_FILL}" stroke="${RED}" stroke-width="0.8"/>`,
    "degraded API",
  );
  legend(
    `<line x1="{x}" y1="${y + 6}" x2="${lx + 16}" y2="${y + 6}" stroke="${RED}" stroke-width="2" stroke-dasharray="5 3"/>`,
    "RTO target",
  );
  y += 24;

  const height = Math.ceil(y);
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`,
      `<rect width="100%" height="100%" fill="#fff"/>`,
      ...out,
      "</svg>",
    ].join("\n") + "\n"
  );
}

/** The SVG drawn to a PNG (resvg, loaded only when a report is written). */
export function renderPng(svg: string): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  return new Resvg(svg, {
    fitTo: { mode: "zoom", value: 1.5 },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    background: "#fff",
  })
    .render()
    .asPng();
}

function isOutage(f: FaultSpec): boolean {
  return f.type === "region-outage" || f.type === "isolation" || f.type === "partition";
}

function faultKind(f: FaultSpec): string {
  return f.type === "partition" ? "partition" : `${f.type} ${f.region}`;
}

function opText(kind: string, text: string): string {
  if (kind === "detected") return `detected: ${text}`;
  if (kind === "failed") return text.length > 70 ? `${text.slice(0, 67)}...` : text;
  return text;
}

/**
 * Labels under a lane, each joined to its instant by a line from `fromY`; every line first, so
 * that no line cuts through a label of an earlier row.
 */
function drawLabels(out: string[], labels: PlacedLabel[], fromY: number, top: number): void {
  for (const l of labels)
    out.push(
      `<line x1="${l.px.toFixed(1)}" y1="${fromY}" x2="${l.px.toFixed(1)}" y2="${top + 3 + l.row * 14}" stroke="#555" stroke-width="0.8"/>`,
    );
  // A white box behind each label: a line from an earlier instant may pass under it.
  for (const l of labels) {
    const w = l.text.length * CHAR_W * (10.5 / 11) + 4;
    const bx = l.anchor === "end" ? l.x - w + 2 : l.x - 2;
    out.push(
      `<rect x="${bx.toFixed(1)}" y="${top + 2 + l.row * 14}" width="${w.toFixed(1)}" height="13" fill="#fff"/>`,
    );
  }
  for (const l of labels)
    out.push(
      `<text x="${l.x.toFixed(1)}" y="${top + 12 + l.row * 14}" font-size="10.5"${HALO}${l.anchor === "end" ? ' text-anchor="end"' : ""}>${esc(l.text)}</text>`,
    );
}

interface PlacedLabel {
  t: number;
  text: string;
  /** The instant's x, and the text's anchor x. */
  px: number;
  x: number;
  row: number;
  anchor: "start" | "end";
}

/** A label inside its bar when it fits, else just after it (or before, near the right edge). */
function textIn(label: string, a: number, b: number, y: number, maxX: number): string {
  const w = label.length * CHAR_W;
  if (b - a >= w + 8) return `<text x="${(a + 4).toFixed(1)}" y="${y}">${esc(label)}</text>`;
  if (b + 4 + w <= maxX) return `<text x="${(b + 4).toFixed(1)}" y="${y}">${esc(label)}</text>`;
  return `<text x="${(a - 4).toFixed(1)}" y="${y}" text-anchor="end">${esc(label)}</text>`;
}

/**
 * Places labels for instants on rows so that none overlaps another: each goes on the first row
 * where it fits, to the right of its instant (to the left near the right edge).
 */
function placeLabels(
  items: { t: number; text: string }[],
  x: (t: number) => number,
  maxX: number,
): PlacedLabel[] {
  const rows: number[][] = [];
  const out: PlacedLabel[] = [];
  for (const it of items) {
    const w = it.text.length * CHAR_W * (10.5 / 11);
    const px = x(it.t);
    const anchor = px + 3 + w > maxX ? "end" : "start";
    const from = anchor === "end" ? px - 3 - w : px + 3;
    const to = from + w + 6;
    let row = rows.findIndex((spans) =>
      spans.every((s, i) => i % 2 === 1 || to <= s || from >= spans[i + 1]),
    );
    if (row < 0) {
      rows.push([]);
      row = rows.length - 1;
    }
    rows[row].push(from, to);
    out.push({ ...it, px, x: anchor === "end" ? px - 3 : px + 3, row, anchor });
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
