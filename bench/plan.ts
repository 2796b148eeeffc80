/**
 * Wall time of the offline plan, as a user runs it: `npm run plan -- --stack <name>` in a fresh
 * process (tsx start-up, module loading, the peer renders and the stack render, the policy
 * pack). Prints every run and the median. Usage: `npx tsx bench/plan.ts [runs] [stack]`.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const runs = Number(process.argv[2] ?? 7);
const stacks = process.argv[3] ? [process.argv[3]] : ["prod-use1", "prod-euw1"];
const root = path.resolve(__dirname, "..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

for (const stack of stacks) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", "plan/cli.ts", "--stack", stack, "--json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.status !== 0) {
      console.error(res.stderr);
      throw new Error(`plan for ${stack} exited ${res.status}`);
    }
    const resources = JSON.parse(res.stdout).resources.length;
    times.push(seconds);
    console.log(`${stack} run ${i + 1}: ${seconds.toFixed(2)} s (${resources} resources)`);
  }
  console.log(
    `${stack}: median ${median(times).toFixed(2)} s over ${runs} runs (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)})`,
  );
}
