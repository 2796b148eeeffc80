/**
 * Start-up time of the `failover` command as an operator meets it: `bin/failover.js --help` (or
 * any other arguments) in a fresh process, wall time from spawn to exit. Prints every run and
 * the median; exits 1 when the median is above `--max` seconds (when given).
 *
 * Each run is paired with a bare `node -e ""` started just before it, and the median of the
 * differences is printed too: on a shared, loaded machine the bare start-up alone can take half
 * a second, and the difference is what the command itself costs.
 * Where GNU time is installed (/usr/bin/time), the CPU time (user + system) of each run is
 * measured too: it hardly moves with the machine's load, so it is the figure to compare between
 * runs on a busy machine.
 *
 * Usage: npx tsx bench/help.ts [--runs 11] [--max 0.3] [--node <node binary>] [--bin <failover.js>]
 *                              [-- <failover arguments>]
 *   npx tsx bench/help.ts -- --version
 *   npx tsx bench/help.ts -- status --help
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const dashes = process.argv.indexOf("--");
const own = dashes >= 0 ? process.argv.slice(0, dashes) : process.argv;
const args = dashes >= 0 ? process.argv.slice(dashes + 1) : ["--help"];
const arg = (name: string) => {
  const i = own.indexOf(name);
  return i >= 0 ? own[i + 1] : undefined;
};
const runs = Number(arg("--runs") ?? 11);
// Another Node (e.g. the Node 22 binary .ci/run fetches) or another checkout's command.
const node = path.resolve(arg("--node") ?? process.execPath);
const bin = path.resolve(arg("--bin") ?? path.join(root, "bin", "failover.js"));
const max = arg("--max") === undefined ? undefined : Number(arg("--max"));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const GNU_TIME = "/usr/bin/time";
const haveGnuTime = fs.existsSync(GNU_TIME);

function timed(argv: string[]): {
  seconds: number;
  cpu?: number;
  status: number | null;
  out: string;
  err: string;
} {
  const t0 = process.hrtime.bigint();
  // The bench's own environment, minus anything that would change what the command loads.
  const env = { ...process.env, NODE_OPTIONS: "" };
  const res = haveGnuTime
    ? spawnSync(GNU_TIME, ["-f", "cpu %U %S", node, ...argv], { cwd: root, encoding: "utf8", env })
    : spawnSync(node, argv, { cwd: root, encoding: "utf8", env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let err = res.stderr;
  let cpu: number | undefined;
  const last = /\ncpu ([\d.]+) ([\d.]+)\n?$/.exec("\n" + err);
  if (haveGnuTime && last) {
    cpu = Number(last[1]) + Number(last[2]);
    err = err.slice(0, err.length - last[0].length + 1);
  }
  return { seconds, cpu, status: res.status, out: res.stdout, err };
}

// bin/failover.js runs the TypeScript sources when the bundle is older than they are: say which
// one was measured. (A bin from before the bundle existed always ran the sources.)
const binText = fs.readFileSync(bin, "utf8");
const bundleIsFresh = binText.includes("bundleIsFresh")
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(bin) as { bundleIsFresh: () => boolean }).bundleIsFresh
  : () => false;
const which = () =>
  bundleIsFresh()
    ? "the bundle (dist/failover.js)"
    : "the TypeScript sources through tsx (no fresh bundle: npm run build)";
const before = which();
const nodeVersion = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
const times: number[] = [];
const overheads: number[] = [];
const cpus: number[] = [];
const bareCpus: number[] = [];
for (let i = 0; i < runs; i++) {
  const bareRun = timed(["-e", ""]);
  const bare = bareRun.seconds;
  if (bareRun.cpu !== undefined) bareCpus.push(bareRun.cpu);
  const res = timed([bin, ...args]);
  if (res.status !== 0 || !res.out.trim()) {
    console.error(res.err);
    throw new Error(`failover ${args.join(" ")} exited ${res.status} with no output`);
  }
  times.push(res.seconds);
  overheads.push(res.seconds - bare);
  if (res.cpu !== undefined) cpus.push(res.cpu);
  const cpu = res.cpu === undefined ? "" : `, cpu ${res.cpu.toFixed(2)} s`;
  console.log(`run ${i + 1}: ${res.seconds.toFixed(3)} s${cpu} (bare node ${bare.toFixed(3)} s)`);
}
const m = median(times);
const after = which();
console.log(`measured ${before}${after !== before ? `, then ${after}` : ""}`);
console.log(
  `failover ${args.join(" ")}: median ${m.toFixed(3)} s over ${runs} runs (min ${Math.min(...times).toFixed(3)}, max ${Math.max(...times).toFixed(3)}), ${median(overheads).toFixed(3)} s above a bare node${cpus.length ? `, cpu median ${median(cpus).toFixed(2)} s (bare node ${median(bareCpus).toFixed(2)} s)` : ""}, on ${nodeVersion}`,
);
if (max !== undefined && m > max) {
  console.error(`median ${m.toFixed(3)} s is above --max ${max} s`);
  process.exitCode = 1;
}
