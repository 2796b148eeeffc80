import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DrManifest } from "../../manifest";
import { Emulator, FaultSpec, RequestRecord } from "../emulator";
import { FileJournalStore, summarize } from "../engine/journal";
import { testManifests } from "../emulator/testing";
import { ParamOverrides } from "../simulator/params";
import { WriterViolation } from "../simulator/workload";

/** The commands that move writer traffic. */
const RUN_COMMANDS = new Set(["switchover", "failover", "failback"]);

/*
 * Wire-level tests: the real `bin/failover.js` in child processes, against the loopback
 * emulator running in this process. The children reach it through AWS_ENDPOINT_URL with dummy
 * credentials and never see the host's AWS configuration; the tests read what the emulator saw
 * (request record, state) through its admin API, and what only the simulator knows (the
 * application's acknowledged writes, the single-writer monitor) in-process.
 */

export const BIN = path.resolve(__dirname, "../../bin/failover.js");
export const US = "us-east-1";
export const EU = "eu-west-1";
/** The Aurora promotions: a run must send exactly one. */
export const PROMOTIONS = ["SwitchoverGlobalCluster", "FailoverGlobalCluster"];

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** How a child ended. `code` is null when a signal ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** One `bin/failover.js` process: its output so far and its exit. */
export class Proc {
  readonly startedAt = Date.now();
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  private exit?: Exit;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      // "close", not "exit": the output is complete only once the pipes have closed.
      child.on("close", (code, signal) => {
        this.exit = {
          code,
          signal,
          ms: Date.now() - this.startedAt,
          stdout: this.stdout,
          stderr: this.stderr,
        };
        resolve(this.exit);
      }),
    );
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The exit; after `timeoutMs` the process is killed and this rejects with its output. */
  async wait(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.kill().then((e) =>
          reject(
            new Error(
              `${this.describe()} did not exit within ${timeoutMs} ms (killed)\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`,
            ),
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once `pattern` is on stdout or stderr; rejects if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.stdout) ?? pattern.exec(this.stderr);
      if (m) return m;
      if (!this.running) throw new Error(`${this.describe()} exited before printing ${pattern}`);
      if (Date.now() > deadline) {
        throw new Error(`${this.describe()} did not print ${pattern} within ${timeoutMs} ms`);
      }
      await sleep(10);
    }
  }

  /** SIGKILL: no handler runs, nothing is flushed, as when a laptop dies. */
  kill(): Promise<Exit> {
    if (this.running) this.child.kill("SIGKILL");
    return this.exited;
  }

  describe(): string {
    return `failover ${this.child.spawnargs.slice(this.child.spawnargs.indexOf(BIN) + 1).join(" ")}`;
  }
}

/** The parts of `GET /_emulator/state` the tests read. */
export interface WorldState {
  now: number;
  regions: Record<string, { up: boolean; acceptsWrites: boolean; auroraWritable: boolean }>;
  endpoints: Record<string, string>;
  aurora: { status: string; writer: string | null };
  cache: { status: string; primary: string | null };
  controlTable: { items: Record<string, Record<string, ControlItem | undefined>> };
  routingControls: Record<string, string>;
  writerDns: string;
}

export interface ControlItem {
  region?: string;
  fenced?: boolean;
  epoch?: number;
  runId?: string;
  state?: string;
}

export interface WireOptions {
  manifests?: DrManifest[];
  faults?: FaultSpec[];
  params?: ParamOverrides;
  seed?: number;
}

/** The application's canaries write often enough that a lost write would show. */
export const BUSY_WORKLOAD: ParamOverrides = {
  workload: { writeIntervalSeconds: 0.05, clientsPerRegion: 1 },
};

/**
 * One emulator, a scratch directory with the manifests, and every child started against it;
 * `close()` kills the children (SIGKILL), closes the emulator and removes the directory.
 */
export class WireFixture {
  readonly manifestDir: string;
  private readonly procs = new Set<Proc>();

  private constructor(
    readonly emulator: Emulator,
    readonly manifests: DrManifest[],
    readonly root: string,
  ) {
    this.manifestDir = path.join(root, "manifests");
    fs.mkdirSync(this.manifestDir);
    for (const m of manifests) {
      fs.writeFileSync(
        path.join(this.manifestDir, `${m.stack}.json`),
        JSON.stringify({ drManifest: m }, null, 2),
      );
    }
  }

  static async start(o: WireOptions = {}): Promise<WireFixture> {
    const manifests = o.manifests ?? testManifests();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "failover-wire-"));
    try {
      const emulator = await Emulator.start({
        manifests,
        port: 0,
        faults: o.faults,
        params: o.params,
        seed: o.seed,
      });
      return new WireFixture(emulator, manifests, root);
    } catch (e) {
      fs.rmSync(root, { recursive: true, force: true });
      throw e;
    }
  }

  get url(): string {
    return this.emulator.url;
  }

  /** A fresh working directory: its own journal (`.failover/`) and reports. */
  workdir(name = "op"): string {
    return fs.mkdtempSync(path.join(this.root, `${name}-`));
  }

  /**
   * The child's environment: nothing AWS-related from this process (no profile, region, real
   * credentials or config files, no instance metadata), the emulator as every endpoint.
   */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!/^(AWS_|FAILOVER_)/.test(k)) env[k] = v;
    }
    Object.assign(env, {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_ENDPOINT_URL: this.url,
      AWS_ACCESS_KEY_ID: "AKIDWIRETEST",
      AWS_SECRET_ACCESS_KEY: "wire-test",
      AWS_CONFIG_FILE: path.join(this.root, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(this.root, "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    });
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /** `--arc-endpoints` for the given regions' own listeners (`region=url`), or raw entries. */
  arcEndpoints(entries: (string | [string, string])[]): string[] {
    const listeners = this.emulator.endpoints();
    const list = entries.map((e) =>
      typeof e === "string" ? `${e}=${listeners[e]}` : `${e[0]}=${e[1]}`,
    );
    return ["--arc-endpoints", list.join(",")];
  }

  /**
   * Starts `failover <args>`. Runs that move traffic get `--switch-margin-seconds 1`: the
   * emulator's Route 53 follows a gate within 0.05 s, so AWS's 15 s margin would only slow the
   * trials (a run passing its own margin keeps it).
   */
  spawn(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Proc {
    if (RUN_COMMANDS.has(args[0]) && !args.includes("--switch-margin-seconds")) {
      args = [...args, "--switch-margin-seconds", "1"];
    }
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), BIN, ...args], {
      cwd: o.cwd,
      env: o.env ?? this.env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const p = new Proc(child);
    this.procs.add(p);
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** Runs a command to its end (killed and rejected after `timeoutMs`). */
  run(
    args: string[],
    o: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number },
  ): Promise<Exit> {
    return this.spawn(args, o).wait(o.timeoutMs ?? 60_000);
  }

  async admin<T>(route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_emulator/${route}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`emulator ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  state(): Promise<WorldState> {
    return this.admin<WorldState>("state");
  }

  async requests(since = 0): Promise<RequestRecord[]> {
    return (await this.admin<{ requests: RequestRecord[] }>(`requests?since=${since}`)).requests;
  }

  /** The sequence number of the newest record: pass it to `requests` to see what came after. */
  async mark(): Promise<number> {
    const all = await this.requests();
    return all.length ? all[all.length - 1].seq : 0;
  }

  async setFaults(faults: FaultSpec[]): Promise<void> {
    await this.admin("faults", faults);
  }

  /**
   * Acknowledged writes missing from `region`'s stores, per store, as the drill measures them
   * (failover/drill/harness.ts measureRpo): every store of record, the cache for the writes it
   * took.
   */
  lostAckedWrites(region: string): { store: string; acked: number; lost: number }[] {
    const sim = this.emulator.sim;
    const stores: { name: string; has: (key: string) => boolean; cacheOnly?: boolean }[] = [];
    if (sim.aurora) stores.push({ name: "aurora", has: (k) => sim.aurora!.has(region, k) });
    for (const t of sim.tables) {
      stores.push({ name: `dynamodb:${t.tableName}`, has: (k) => t.has(region, k) });
    }
    if (sim.msk) stores.push({ name: "msk", has: (k) => sim.msk!.has(region, k) });
    if (sim.cache) {
      stores.push({ name: "elasticache", has: (k) => sim.cache!.has(region, k), cacheOnly: true });
    }
    const acked = sim.workload.acked;
    return stores.map((s) => {
      const counted = acked.filter((w) => !s.cacheOnly || w.cached);
      return {
        store: s.name,
        acked: counted.length,
        lost: counted.filter((w) => !s.has(w.key)).length,
      };
    });
  }

  /** Waits until the application's writer lease (a little more) has passed since the start. */
  async untilLeaseLapsed(): Promise<void> {
    const lease = this.emulator.sim.params.app.leaseSeconds;
    while (this.emulator.seconds() < lease + 0.2) await sleep(20);
  }

  /** Every moment the application accepted writes in two regions (the simulator's monitor). */
  writerViolations(): WriterViolation[] {
    return [...this.emulator.sim.workload.violations];
  }

  async close(): Promise<void> {
    await Promise.all([...this.procs].map((p) => p.kill()));
    await this.emulator.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Aurora promotion requests in a record. */
export function promotions(records: RequestRecord[]): RequestRecord[] {
  return records.filter((r) => r.service === "rds" && PROMOTIONS.includes(r.operation));
}

/**
 * What keeps `state` from being converged on `to` after a run from `from`: the Aurora writer,
 * the control table's writer item and fences (in every replica listed in `replicas`), and the
 * application accepting writes in `to` alone. Empty when converged.
 */
export function convergenceProblems(
  state: WorldState,
  o: { from: string; to: string; replicas: string[] },
): string[] {
  const problems: string[] = [];
  if (state.aurora.writer !== o.to) problems.push(`Aurora writer is ${state.aurora.writer}`);
  if (state.aurora.status !== "available") problems.push(`Aurora is ${state.aurora.status}`);
  for (const r of o.replicas) {
    const items = state.controlTable.items[r] ?? {};
    if (items.writer?.region !== o.to) {
      problems.push(`${r} replica: writer item names ${items.writer?.region}`);
    }
    if (items[`fence#${o.from}`]?.fenced !== true) {
      problems.push(`${r} replica: ${o.from} is not fenced`);
    }
    if (items[`fence#${o.to}`]?.fenced !== false) {
      problems.push(`${r} replica: ${o.to} is not unfenced`);
    }
  }
  const accepting = Object.entries(state.regions)
    .filter(([, s]) => s.acceptsWrites)
    .map(([r]) => r);
  if (accepting.join() !== o.to) problems.push(`accepting writes: [${accepting.join(", ")}]`);
  return problems;
}

/** Polls until `convergenceProblems` is empty (replication takes a few tens of ms). */
export async function converged(
  fx: WireFixture,
  o: { from: string; to: string; replicas: string[] },
  timeoutMs = 5000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems = convergenceProblems(await fx.state(), o);
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(50);
  }
}

/** The lines of `failover status` under one region's heading. */
export function statusBlock(stdout: string, region: string): string {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${region} (`));
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && l.trim() === "");
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

/** The journal's unfinished run in `cwd`, if any (`.failover/active.json`). */
export function activeRun(cwd: string): string | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(cwd, ".failover", "active.json"), "utf8"));
    return (marker as { runId?: string }).runId;
  } catch {
    return undefined;
  }
}

/** Whether the journal in `cwd` records a run that finished successfully. */
export function finishedRun(cwd: string): boolean {
  const dir = path.join(cwd, ".failover");
  if (!fs.existsSync(path.join(dir, "runs"))) return false;
  const journal = new FileJournalStore(dir);
  return fs
    .readdirSync(path.join(dir, "runs"))
    .map((f) => summarize(journal.read(f.replace(/\.jsonl$/, ""))).status)
    .includes("succeeded");
}

export interface Recovery {
  /** What the operator ran after the crash, in order (empty: the run had finished). */
  actions: string[];
  /** The last command's exit. */
  exit?: Exit;
}

/**
 * What an operator does after `failover <command>` died, following the tool's own advice:
 * `--resume` when the journal has the unfinished run; nothing when it had finished; the same
 * command again when it died before its journal existed, with `--abandon <id>` when the dead
 * run's claim stops it; and, when the journal's marker was left half-written (exit 2, "move
 * .failover/active.json aside"), moving it aside first.
 */
export async function recover(
  fx: WireFixture,
  cwd: string,
  command: string[],
  common: string[],
  timeoutMs = 60_000,
): Promise<Recovery> {
  const kind = command[0];
  const actions: string[] = [];
  let exit: Exit | undefined;
  let abandon: string | undefined;
  for (let i = 0; i < 4; i++) {
    if (activeRun(cwd)) {
      actions.push("resume");
      const args = [kind, "--resume", "--yes", ...common];
      if (kind === "failover") args.push("--allow-data-loss");
      exit = await fx.run(args, { cwd, timeoutMs });
    } else if (finishedRun(cwd)) {
      return { actions, exit };
    } else {
      actions.push(abandon ? `restart --abandon ${abandon}` : "restart");
      exit = await fx.run([...command, ...common, ...(abandon ? ["--abandon", abandon] : [])], {
        cwd,
        timeoutMs,
      });
    }
    if (exit.code === 2 && /move \S*active\.json aside/.test(exit.stderr)) {
      actions.push("move active.json aside");
      const marker = path.join(cwd, ".failover", "active.json");
      fs.renameSync(marker, `${marker}.${Date.now()}.aside`);
      continue;
    }
    const holder = /run (\S+) \([^)]*\) holds the run claim/.exec(exit.stderr)?.[1];
    if (exit.code === 1 && holder && !abandon) {
      abandon = holder;
      continue;
    }
    return { actions, exit };
  }
  return { actions, exit };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
