/*
 * Drill figures (reported in docs/drills.md, Figures):
 *  - orchestration efficiency: the drill's RTO divided by the critical-path lower bound of the
 *    same run's service operations (aim <= 1.05), and by the time a sequential runbook of the
 *    same steps takes (aim <= 0.6), median over the seeds, per scenario;
 *  - region-outage RTO and per-store RPO with the shipped stacks' default targets, median
 *    (and p90) over the seeds;
 *  - simulator speed: virtual seconds simulated per wall second, and drills per second.
 *
 *  - region-outage and partition RTO, median and p90 over the seeds.
 *
 * Usage: npx tsx bench/drill.ts [--seeds 100] [--json] [--sample] [--cells 2|3]
 *   --sample uses manifest/sample.ts instead of rendering the shipped stacks offline;
 *   --cells 3 (implies --sample) drills three sample cells (us-east-1, eu-west-1,
 *   ap-southeast-1), --cells 2 two cells and the us-west-2 witness.
 */
import { DrManifest } from "../manifest";
import { SAMPLE_REGIONS, sampleManifest, SampleRegion } from "../manifest/sample";
import { DrillResult, runDrill, SCENARIOS, ScenarioName } from "../failover/drill/harness";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

async function manifests(): Promise<{ manifests: DrManifest[]; source: string }> {
  const cells = arg("--cells");
  if (cells !== undefined && cells !== "2" && cells !== "3")
    throw new Error(`--cells ${cells}: pass --cells 2 or --cells 3`);
  if (process.argv.includes("--sample") || cells !== undefined) {
    const regions = SAMPLE_REGIONS.slice(0, Number(cells ?? 2)) as SampleRegion[];
    return {
      manifests: regions.map((r) => sampleManifest(r, regions)),
      source: `manifest/sample.ts, ${regions.length} cells (${regions.join(", ")})`,
    };
  }
  type Offline = typeof import("../plan/offlineManifests");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const offline: Offline = require("../plan/offlineManifests");
  const { offlineManifests } = offline;
  return { manifests: await offlineManifests(), source: "shipped stacks (offline render)" };
}

async function main(): Promise<void> {
  const seeds = Number(arg("--seeds") ?? 100);
  const { manifests: m, source } = await manifests();
  const perScenario: Record<string, DrillResult[]> = {};
  let virtual = 0;
  let runs = 0;
  const started = process.hrtime.bigint();
  for (const scenario of SCENARIOS) {
    perScenario[scenario] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const r = await runDrill({ manifests: m, scenario: scenario as ScenarioName, seed });
      perScenario[scenario].push(r);
      virtual += r.sim.virtualSeconds;
      runs++;
    }
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;

  const efficiency = Object.fromEntries(
    Object.entries(perScenario).map(([scenario, rs]) => {
      const ok = rs.filter(
        (r) => r.rtoSeconds !== null && r.criticalPathSeconds && r.sequentialSeconds,
      );
      return [
        scenario,
        {
          runs: rs.length,
          withRto: ok.length,
          medianRtoSeconds: r2(
            quantile(
              ok.map((r) => r.rtoSeconds!),
              0.5,
            ),
          ),
          rtoOverCriticalPath: r2(
            quantile(
              ok.map((r) => r.rtoSeconds! / r.criticalPathSeconds!),
              0.5,
            ),
          ),
          rtoOverCriticalPathP90: r2(
            quantile(
              ok.map((r) => r.rtoSeconds! / r.criticalPathSeconds!),
              0.9,
            ),
          ),
          rtoOverSequential: r2(
            quantile(
              ok.map((r) => r.rtoSeconds! / r.sequentialSeconds!),
              0.5,
            ),
          ),
          invariantsHeld: rs.filter(
            (r) =>
              r.invariants.singleWriter &&
              r.invariants.oneWriterRecord &&
              r.invariants.oneConsumerRegion !== false &&
              r.invariants.converged &&
              r.invariants.noLostWritesOnSwitchover !== false,
          ).length,
        },
      ];
    }),
  );
  const outage = perScenario["region-outage"];
  const rto = outage.map((r) => r.rtoSeconds).filter((x): x is number => x !== null);
  const stores = outage[0].stores.map((s) => s.store);
  const regionOutage = {
    rtoTargetSeconds: outage[0].rtoTargetSeconds,
    rpoTargetSeconds: outage[0].stores[0].rpoTargetSeconds,
    medianRtoSeconds: r2(quantile(rto, 0.5)),
    p90RtoSeconds: r2(quantile(rto, 0.9)),
    withinRtoTarget: rto.filter((x) => x <= outage[0].rtoTargetSeconds).length,
    stores: stores.map((name) => {
      const rpo = outage.map((r) => r.stores.find((s) => s.store === name)!);
      return {
        store: name,
        medianRpoSeconds: r2(
          quantile(
            rpo.map((s) => s.rpoSeconds),
            0.5,
          ),
        ),
        p90RpoSeconds: r2(
          quantile(
            rpo.map((s) => s.rpoSeconds),
            0.9,
          ),
        ),
        medianLostWrites: quantile(
          rpo.map((s) => s.lostWrites),
          0.5,
        ),
        withinRpoTarget: rpo.filter((s) => s.rpoSeconds <= s.rpoTargetSeconds).length,
      };
    }),
  };
  const rtoOf = (scenario: string) => {
    const xs = perScenario[scenario]
      .map((r) => r.rtoSeconds)
      .filter((x): x is number => x !== null);
    return {
      runs: perScenario[scenario].length,
      withRto: xs.length,
      medianRtoSeconds: r2(quantile(xs, 0.5)),
      p90RtoSeconds: r2(quantile(xs, 0.9)),
    };
  };
  const failoverRto = { "region-outage": rtoOf("region-outage"), partition: rtoOf("partition") };
  const speed = {
    drills: runs,
    wallSeconds: r2(wall),
    drillsPerSecond: r2(runs / wall),
    virtualSecondsPerWallSecond: Math.round(virtual / wall),
  };
  const out = {
    manifests: source,
    seeds,
    efficiency,
    failoverRto,
    regionOutage,
    speed,
    node: process.version,
  };
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  console.log(
    `Drill bench: ${seeds} seeds per scenario, manifests: ${source}, node ${process.version}\n`,
  );
  console.log(
    "| scenario | median RTO (s) | RTO / critical path (median, p90) | RTO / sequential (median) | invariants held |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const [s, e] of Object.entries(efficiency)) {
    console.log(
      `| ${s} | ${e.medianRtoSeconds} | ${e.rtoOverCriticalPath}, ${e.rtoOverCriticalPathP90} | ${e.rtoOverSequential} | ${e.invariantsHeld}/${e.runs} |`,
    );
  }
  for (const [s, f] of Object.entries(failoverRto))
    console.log(
      `\n${s} RTO over ${f.withRto}/${f.runs} runs with a write in the target: median ${f.medianRtoSeconds} s, p90 ${f.p90RtoSeconds} s`,
    );
  console.log(
    `\nRegion outage (targets: RTO ${regionOutage.rtoTargetSeconds} s, RPO ${regionOutage.rpoTargetSeconds} s): RTO median ${regionOutage.medianRtoSeconds} s, p90 ${regionOutage.p90RtoSeconds} s, ${regionOutage.withinRtoTarget}/${seeds} within target\n`,
  );
  console.log("| store | median RPO (s) | p90 RPO (s) | median lost writes | within target |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const s of regionOutage.stores)
    console.log(
      `| ${s.store} | ${s.medianRpoSeconds} | ${s.p90RpoSeconds} | ${s.medianLostWrites} | ${s.withinRpoTarget}/${seeds} |`,
    );
  console.log(
    `\nSimulator: ${speed.drills} drills in ${speed.wallSeconds} s: ${speed.drillsPerSecond} drills/s, ${speed.virtualSecondsPerWallSecond} virtual s per wall s`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
