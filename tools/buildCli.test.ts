import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../failover/commands/program";
import { buildCli, ROOT } from "./buildCli";

/**
 * The `failover` command as operators start it: the bundle tools/buildCli.ts builds (what `npm
 * ci` leaves in dist/ and bin/failover.js runs). Each case builds its own copy under dist/, so
 * it never races a build of the real one.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleIsFresh } = require("../bin/failover.js") as {
  bundleIsFresh: (dir: string, sourceRoot: string) => boolean;
};

/** Prints, at exit, every CommonJS module the process loaded (one JSON line on stderr). */
const RECORDER = `process.on("exit", () => process.stderr.write("\\nLOADED " + JSON.stringify(Object.keys(require.cache)) + "\\n"));`;

function runRecorded(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const res = spawnSync(
    process.execPath,
    ["--require", path.join(dir, "recorder.js"), path.join(dir, "run.js"), ...args],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env } },
  );
  const line = res.stderr.split("\n").find((l) => l.startsWith("LOADED "));
  assert.ok(line, `no module list on stderr:\n${res.stderr}`);
  const loaded = (JSON.parse(line.slice("LOADED ".length)) as string[]).map((f) =>
    path.relative(ROOT, f),
  );
  return { status: res.status, stdout: res.stdout, loaded };
}

const packagesIn = (loaded: string[]) => [
  ...new Set(
    loaded
      .filter((f) => f.includes("node_modules/"))
      .map((f) => f.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1")),
  ),
];

describe("the failover command's bundle", function () {
  this.timeout(120_000);
  let dir: string;
  let inputs: string[];

  before(async () => {
    fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
    dir = fs.mkdtempSync(path.join(ROOT, "dist", "test-"));
    inputs = (await buildCli(dir)).inputs;
    fs.writeFileSync(path.join(dir, "recorder.js"), RECORDER);
    fs.writeFileSync(path.join(dir, "run.js"), `require("./failover.js").main();\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the same help as the TypeScript program, loading commander and nothing else", async () => {
    const bundled = runRecorded(dir, ["--help"]);
    assert.equal(bundled.status, 0);
    let fromSources = "";
    const deps = {
      stdout: { write: (s: string) => void (fromSources += s) },
      stderr: { write: () => undefined },
    };
    const code = await runCli(["--help"], deps as unknown as Parameters<typeof runCli>[1]);
    assert.equal(code, 0);
    assert.equal(bundled.stdout, fromSources);
    // No SDK client, no zod from node_modules (bundled), no TypeScript source (no tsx).
    assert.deepEqual(packagesIn(bundled.loaded), ["commander"]);
    assert.deepEqual(
      bundled.loaded.filter((f) => f.endsWith(".ts")),
      [],
    );
  });

  it("--version prints package.json's version from dist/ and loads no SDK either", () => {
    const r = runRecorded(dir, ["--version"]);
    const version = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
    assert.equal(r.stdout.trim(), version);
    assert.deepEqual(packagesIn(r.loaded), ["commander"]);
  });

  it("lists its sources, and bin/failover.js trusts it only while none is newer or gone", () => {
    assert.ok(inputs.includes("failover/commands/program.ts"));
    assert.ok(inputs.includes("failover/adapters/aws/index.ts"));
    // The SDK adapters are in the bundle, evaluated only when a command first uses them.
    assert.ok(inputs.includes("failover/adapters/aws/rds.ts"));
    // Built before anything else was written: fresh against a copy of its inputs' times.
    const sources = fs.mkdtempSync(path.join(dir, "src-"));
    const built = fs.statSync(path.join(dir, "failover.js")).mtime;
    const past = new Date(built.getTime() - 60_000);
    for (const f of inputs) {
      fs.mkdirSync(path.join(sources, path.dirname(f)), { recursive: true });
      fs.writeFileSync(path.join(sources, f), "");
      fs.utimesSync(path.join(sources, f), past, past);
    }
    assert.equal(bundleIsFresh(dir, sources), true);
    // An edited source: the sources run instead (through tsx), never the stale bundle.
    const edited = path.join(sources, "failover/engine/retry.ts");
    const later = new Date(built.getTime() + 60_000);
    fs.utimesSync(edited, later, later);
    assert.equal(bundleIsFresh(dir, sources), false);
    fs.utimesSync(edited, past, past);
    assert.equal(bundleIsFresh(dir, sources), true);
    fs.rmSync(edited);
    assert.equal(bundleIsFresh(dir, sources), false);
    assert.equal(bundleIsFresh(path.join(dir, "nothing-here"), sources), false);
  });
});

describe("the AWS adapters load lazily", function () {
  this.timeout(60_000);

  it("a command loads only the SDK clients it uses", () => {
    // A fresh process: this one may have loaded every client for other tests.
    const script = `
      const { AwsAdapters } = require("./failover/adapters/aws");
      const adapters = AwsAdapters({ requestTimeoutMs: 1000 });
      const before = Object.keys(require.cache).filter((f) => f.includes("@aws-sdk/client-"));
      void adapters.sts;
      const after = Object.keys(require.cache).filter((f) => f.includes("@aws-sdk/client-"));
      process.stdout.write(JSON.stringify({ before, after }));
    `;
    const res = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    assert.equal(res.status, 0, res.stderr);
    const { before, after } = JSON.parse(res.stdout) as { before: string[]; after: string[] };
    assert.deepEqual(before, []);
    const clients = [
      ...new Set(after.map((f) => f.replace(/^.*@aws-sdk\/(client-[^/]+).*$/, "$1"))),
    ];
    assert.deepEqual(clients, ["client-sts"]);
  });
});
