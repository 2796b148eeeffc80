/**
 * Wall time of the offline plan, as a user runs it: `npm run plan -- --stack <name>` in a fresh
 * process (tsx start-up, module loading, the peer renders and the stack render, the policy
 * pack). Prints every run, the median and the resource count per stack.
 *
 * Usage: npx tsx bench/plan.ts [--runs 7] [--stack <name>] [--project <dir>] [--scale <n>]
 *   --project plan/fixtures/three-cells   the three-cell fixture (us-east-1, eu-west-1,
 *                                         ap-southeast-1)
 *   --scale 50                            the project's stacks with 50 tables and 50 topics
 *                                         each (written to a temporary project), to see how the
 *                                         plan grows with a cell's size
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

const root = path.resolve(__dirname, "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg("--runs") ?? 7);
let project = path.resolve(root, arg("--project") ?? ".");
const scale = arg("--scale");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function stackFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f));
}

/** A copy of `dir`'s stacks with `n` tables and `n` topics in every cell. */
function scaled(dir: string, n: number): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `plan-scale-${n}-`));
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(out, "Pulumi.yaml"));
  for (const f of stackFiles(dir)) {
    const doc = parse(fs.readFileSync(path.join(dir, f), "utf8")) as {
      config: Record<string, unknown>;
    };
    doc.config["dr:dynamodb"] = {
      tables: Array.from({ length: n }, (_, i) => ({ name: `table${i}`, partitionKey: "pk" })),
    };
    const msk = doc.config["dr:msk"] as Record<string, unknown>;
    doc.config["dr:msk"] = { ...msk, topics: Array.from({ length: n }, (_, i) => `topic${i}`) };
    fs.writeFileSync(path.join(out, f), stringify(doc));
  }
  return out;
}

if (scale) project = scaled(project, Number(scale));
const stacks = arg("--stack")
  ? [arg("--stack")!]
  : stackFiles(project).map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""));
console.log(`project ${project}${scale ? ` (${scale} tables, ${scale} topics per cell)` : ""}`);

for (const stack of stacks) {
  const times: number[] = [];
  let resources = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", "plan/cli.ts", "--stack", stack, "--project", project, "--json"],
      { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // 1 is a plan with a violation: still a full render, so it counts.
    if ((res.status !== 0 && res.status !== 1) || !res.stdout.trim()) {
      console.error(res.stderr);
      throw new Error(`plan for ${stack} exited ${res.status}`);
    }
    resources = JSON.parse(res.stdout).resources.length;
    times.push(seconds);
    console.log(`${stack} run ${i + 1}: ${seconds.toFixed(2)} s (${resources} resources)`);
  }
  console.log(
    `${stack}: median ${median(times).toFixed(2)} s over ${runs} runs (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)}), ${resources} resources`,
  );
}
