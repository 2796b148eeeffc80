import type { LogEntry } from "./render";
import type { StackRender } from "./stack";

/** One policy finding, as the offline plan reports it. */
export interface PlanViolation {
  policy: string;
  level: "advisory" | "mandatory";
  message: string;
  resource?: string;
}

/** One resource in the machine-readable plan. */
export interface PlanResource {
  type: string;
  name: string;
  parent?: string;
  /** False for components (they have no provider and no cloud object). */
  custom: boolean;
  /** The AWS region it lands in; "global" for global services (IAM, Route 53); null for none. */
  region: string | null;
  /** How `region` was decided: "input" (its own region arg), "provider", "stack", "global", "none". */
  regionFrom: string;
  /** Every regional endpoint its provider calls (its own region first). */
  managedThrough: string[];
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    ignoreChanges: string[];
    dependsOn: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    provider?: string;
    /** True only for a resource constructed inside an `apply` (missing from a real preview). */
    registeredInApply: boolean;
  };
}

export interface PlanReport {
  stack: string;
  region: string;
  resources: PlanResource[];
  /** What the program logged while rendering (pulumi.log), in order, with the resource named. */
  diagnostics: LogEntry[];
  manifest: StackRender["manifest"];
  violations: PlanViolation[];
}

/** The messages a reader acts on: everything but the SDK's debug tracing. */
export function diagnosticsOf(render: StackRender): LogEntry[] {
  return render.logs.filter((l) => l.severity !== "debug");
}

/** The machine-readable plan (`--json`). */
export function planReport(render: StackRender, violations: PlanViolation[]): PlanReport {
  return {
    stack: render.stack,
    region: render.config.region,
    resources: render.resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      custom: r.custom,
      region: r.placement.region,
      regionFrom: r.placement.basis,
      managedThrough: r.placement.managedThrough,
      inputs: r.inputs,
      options: {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        dependsOn: r.dependsOn,
        deleteBeforeReplace: r.deleteBeforeReplace,
        retainOnDelete: r.retainOnDelete,
        ...(r.provider ? { provider: r.provider } : {}),
        registeredInApply: r.registeredInApply,
      },
    })),
    diagnostics: diagnosticsOf(render),
    manifest: render.manifest,
    violations,
  };
}

/** Resource counts by type, largest first. */
export function countByType(render: StackRender): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of render.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * The human summary of a plan. The verdict (RTO budget, policy findings) comes last, where a
 * reader's eye lands after a long resource list; the manifest only with `showManifest`.
 */
export function formatPlan(
  render: StackRender,
  violations: PlanViolation[],
  seconds: number,
  opts: { showManifest?: boolean } = {},
): string {
  const c = render.config;
  const m = render.manifest;
  const lines: string[] = [];
  lines.push(
    `Stack ${render.stack}: cell ${c.cell} in ${c.region}, ${c.role === "home" ? "home cell (owns the global objects)" : `joins the home cell in ${c.homeRegion}`}`,
  );
  lines.push(
    `Rendered offline in ${seconds.toFixed(2)} s (Pulumi mock runtime; no cloud, no CLI).`,
  );
  lines.push("");
  const counts = countByType(render);
  lines.push(`Resources: ${render.resources.length} (${counts.length} types)`);
  const width = Math.max(...counts.map(([t]) => t.length));
  for (const [type, n] of counts) lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(3)}`);
  lines.push("");
  lines.push(
    m.deferred.length === 0
      ? "Deferred: nothing; every cross-region link is in place."
      : "Deferred until a peer is deployed:",
  );
  for (const d of m.deferred) lines.push(`  - ${d}`);
  lines.push("");
  const diagnostics = diagnosticsOf(render);
  lines.push(
    diagnostics.length === 0
      ? "Diagnostics: none (the program logged no warning or info)."
      : `Diagnostics the program logged (${diagnostics.length}):`,
  );
  for (const d of diagnostics) {
    const [first, ...rest] = d.message.split("\n");
    lines.push(`  ${d.severity}${d.resource ? ` (${d.resource})` : ""}: ${first}`);
    for (const line of rest) lines.push(`    ${line}`);
  }
  const elsewhere = render.resources.filter(
    (r) =>
      r.placement.region !== null &&
      r.placement.region !== "global" &&
      r.placement.managedThrough.some((x) => x !== c.region),
  );
  if (elsewhere.length > 0) {
    lines.push("");
    lines.push(
      `Resources that live or are managed outside ${c.region} (docs/deploying.md: regions of a stack):`,
    );
    const byRegion = new Map<string, string[]>();
    for (const r of elsewhere) {
      const others = r.placement.managedThrough.filter((x) => x !== c.region);
      lines.push(`  ${r.type} ${r.name}: ${others.join(", ")}`);
      for (const o of others) byRegion.set(o, [...(byRegion.get(o) ?? []), urnOf(render, r)]);
    }
    for (const [other, urns] of byRegion) {
      lines.push(`  While ${other} is down, refresh this stack without them:`);
      lines.push(
        `    pulumi refresh -s ${render.stack} ${urns.map((u) => `--exclude '${u}'`).join(" ")}`,
      );
    }
  }
  if (opts.showManifest) {
    lines.push("");
    lines.push("DR manifest (stack output drManifest):");
    lines.push(JSON.stringify(m, null, 2).replace(/^/gm, "  "));
  }
  lines.push("");
  const b = m.budget;
  const fits = b.totalSeconds <= m.targets.rtoSeconds;
  lines.push(
    "RTO budget (worst case, region loss to writes in the new region: detection + the slower of promotion and writer move + DNS TTL):",
  );
  lines.push(
    `  detection   ${String(b.detectionSeconds).padStart(5)} s  (${c.dns.healthCheckIntervalSeconds} s interval x ${c.dns.healthCheckFailureThreshold} failures)`,
  );
  lines.push(
    `  promotion   ${String(b.promotionSeconds).padStart(5)} s  (Aurora global failover estimate)`,
  );
  lines.push(
    `  writer move ${String(b.writerSwitchSeconds).padStart(5)} s  (close the old writer, Route 53, open the target; beside the promotion)`,
  );
  lines.push(`  DNS TTL     ${String(b.dnsTtlSeconds).padStart(5)} s`);
  lines.push(
    `  total       ${String(b.totalSeconds).padStart(5)} s  vs target ${m.targets.rtoSeconds} s (${m.targets.tier}): ${fits ? "fits" : "OVER TARGET"}`,
  );
  lines.push(`  RPO target  ${String(m.targets.rpoSeconds).padStart(5)} s`);
  lines.push("");
  const mandatory = violations.filter((v) => v.level === "mandatory");
  lines.push(
    `Policy pack: ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory violation(s).`,
  );
  for (const v of violations)
    lines.push(`  [${v.level}] ${v.policy}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
  return lines.join("\n");
}

/** The URN Pulumi gives a rendered resource: its type qualified by its ancestors' types. */
export function urnOf(
  render: StackRender,
  r: { type: string; name: string; parent?: string },
): string {
  const byName = new Map(render.resources.map((x) => [x.name, x]));
  const types = [r.type];
  for (let p = r.parent && byName.get(r.parent); p; p = p.parent && byName.get(p.parent)) {
    types.unshift(p.type);
  }
  return `urn:pulumi:${render.stack}::${render.project}::${types.join("$")}::${r.name}`;
}
