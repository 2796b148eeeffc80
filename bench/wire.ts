/*
 * Wire figures: real `bin/failover.js` processes against the loopback emulator (in this
 * process), with the emulator's default parameters.
 *  - `status` with us-east-1 black-holed: median wall time over 5 runs (each read has its own
 *    timeout, so this is what an operator waits for during an outage);
 *  - a switchover and a failover to eu-west-1: median wall time over 5 runs each, process
 *    start to exit;
 *  - N crash runs: a switchover or a failover killed with SIGKILL at a seeded random point
 *    (one in five before its journal exists), then recovered as an operator would (--resume,
 *    or the command again with --abandon), counting violations: two regions accepting writes
 *    (the simulator's monitor and the emulator's state sampled every 25 ms), acknowledged
 *    writes lost on a switchover, a run that did not converge, an Aurora promotion requested
 *    other than exactly once.
 *
 * Usage: npx tsx bench/wire.ts [--runs 40] [--seed 1] [--concurrency 2]
 * Not part of `npm test`. Exits 1 if any crash run violated a property.
 */
import { seededRandom } from "../failover/engine/clock";
import { crashTrial, TrialKind, TrialResult, trialProblems } from "../failover/wire/crash";
import { FaultSpec } from "../failover/emulator";
import { EU, median, US, WireFixture } from "../failover/wire/harness";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const s1 = (ms: number) => (ms / 1000).toFixed(2);

/** Wall time of one command against a fresh emulator; throws unless it exits `expect`. */
async function timed(
  args: (fx: WireFixture) => string[],
  o: { faults?: FaultSpec[]; expect: number },
): Promise<number> {
  const fx = await WireFixture.start({ faults: o.faults });
  try {
    const exit = await fx.run(args(fx), { cwd: fx.workdir(), timeoutMs: 120_000 });
    if (exit.code !== o.expect) {
      throw new Error(`${args(fx).join(" ")} exited ${exit.code}:\n${exit.stderr}`);
    }
    return exit.ms;
  } finally {
    await fx.close();
  }
}

async function commandFigures(): Promise<void> {
  const common = (fx: WireFixture) => [
    "--manifest",
    fx.manifestDir,
    ...fx.arcEndpoints(["us-west-2", EU]),
  ];
  const figures: [string, number[]][] = [
    ["status, us-east-1 black-holed (exit 1)", []],
    ["switchover --to eu-west-1", []],
    ["failover --to eu-west-1", []],
  ];
  for (let i = 0; i < 5; i++) {
    figures[0][1].push(
      await timed((fx) => ["status", ...common(fx)], {
        faults: [{ type: "black-hole", region: US }],
        expect: 1,
      }),
    );
    figures[1][1].push(
      await timed((fx) => ["switchover", "--to", EU, "--yes", ...common(fx)], { expect: 0 }),
    );
    figures[2][1].push(
      await timed((fx) => ["failover", "--to", EU, "--allow-data-loss", "--yes", ...common(fx)], {
        expect: 0,
      }),
    );
  }
  console.log("wall time, process start to exit, median of 5 (min-max):");
  for (const [name, ms] of figures) {
    console.log(
      `  ${name.padEnd(40)} ${s1(median(ms))} s  (${s1(Math.min(...ms))}-${s1(Math.max(...ms))})`,
    );
  }
}

async function crashFigures(runs: number, seed: number, concurrency: number): Promise<boolean> {
  const random = seededRandom(seed);
  const specs = Array.from({ length: runs }, (_, i) => ({
    kind: (i % 2 === 0 ? "switchover" : "failover") as TrialKind,
    seed: seed * 100_000 + i,
    early: random() < 0.2,
    point: random(),
  }));
  const started = Date.now();
  const results: TrialResult[] = [];
  const bad: { r: TrialResult; problems: string[] }[] = [];
  let next = 0;
  let lastPrint = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < specs.length) {
        const r = await crashTrial(specs[next++]);
        results.push(r);
        const p = trialProblems(r);
        if (p.length) {
          bad.push({ r, problems: p });
          console.log(
            `VIOLATION in run ${results.length} (${r.kind}, seed ${r.seed}, ${r.early ? "early " : ""}kill at ${r.killAfterMs} ms, ${r.killedDuring}; ${r.recovery}): ${p.join(" | ")}`,
          );
        }
        if (Date.now() - lastPrint > 30_000) {
          lastPrint = Date.now();
          console.log(
            `  ${results.length}/${runs} crash runs, ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        }
      }
    }),
  );
  const byRecovery = new Map<string, number>();
  for (const r of results) byRecovery.set(r.recovery, (byRecovery.get(r.recovery) ?? 0) + 1);
  const per = (kind: TrialKind) => results.filter((r) => r.kind === kind);
  console.log(
    `crash runs: ${results.length} (${per("switchover").length} switchovers, ${per("failover").length} failovers; seed ${seed}, ${concurrency} at a time)`,
  );
  console.log(`  violations: ${bad.length}`);
  console.log(
    `  median time per run (emulator start, run, kill, recovery, checks): ${s1(median(results.map((r) => r.wallMs)))} s; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    `  acknowledged writes per switchover run, median: ${median(per("switchover").map((r) => r.ackedWrites))}`,
  );
  console.log("  recoveries:");
  for (const [how, n] of [...byRecovery].sort((a, b) => b[1] - a[1])) {
    console.log(`    ${String(n).padStart(5)}  ${how}`);
  }
  return bad.length === 0;
}

async function main(): Promise<void> {
  const runs = arg("--runs", 40);
  const seed = arg("--seed", 1);
  const concurrency = Math.max(1, arg("--concurrency", 2));
  await commandFigures();
  const ok = runs > 0 ? await crashFigures(runs, seed, concurrency) : true;
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
