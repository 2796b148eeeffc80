/**
 * Time to evaluate the DR policy pack over both shipped stacks, as the offline plan does it:
 * `evaluatePack` on each stack's offline render with the other cell's manifest as its peer.
 * The renders are made once, up front, and timed separately (they are the plan's cost, not
 * the pack's). Usage: `npx tsx bench/policies.ts [runs]` (default 20).
 */
import { DR_POLICIES, evaluatePack } from "../policies/evaluate";
import { renderSteadyState } from "../plan/stack";

const runs = Number(process.argv[2] ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const resourcePolicies = DR_POLICIES.filter((p) => "validateResource" in p).length;
  console.log(
    `policies: ${DR_POLICIES.length} (${resourcePolicies} resource, ${DR_POLICIES.length - resourcePolicies} stack); ` +
      `mandatory by default: ${DR_POLICIES.filter((p) => p.enforcementLevel === "mandatory").length}`,
  );

  const t0 = process.hrtime.bigint();
  const renders = [...(await renderSteadyState()).values()];
  console.log(
    `offline renders of ${renders.map((r) => r.stack).join(", ")}: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms (not part of the figure)`,
  );

  const times: number[] = [];
  let violations = 0;
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    violations = 0;
    for (const render of renders) {
      const peers = renders.filter((r) => r.stack !== render.stack).map((r) => r.manifest);
      violations += evaluatePack(render, { peerManifests: peers }).length;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // The first run includes zod's and V8's warm-up: report it, keep it out of the median.
    if (i === 0) console.log(`first (cold) evaluation of both stacks: ${ms.toFixed(1)} ms`);
    else times.push(ms);
  }
  const resources = renders.reduce((n, r) => n + r.resources.length, 0);
  console.log(
    `evaluate pack over both stacks (${resources} resources): median ${median(times).toFixed(1)} ms, ` +
      `min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${runs} runs; ` +
      `${violations} violation(s)`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
