import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { CliFixture } from "../testing/cliHarness";
import { freshManifests } from "../testing/harness";

/*
 * `failover emulate` as operators and CI run it: the real bin/failover.js in a child process
 * prints its URL once listening, serves the SDK, and exits 0 on SIGTERM; bad flags and files
 * exit 2 before anything listens, naming the file, the key and the fix.
 */

const BIN = path.resolve(__dirname, "../../bin/failover.js");
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** A scratch directory with the sample manifests in `manifests/` (the default place). */
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulate-"));
  fs.mkdirSync(path.join(dir, "manifests"));
  for (const m of freshManifests(Date.now())) {
    fs.writeFileSync(
      path.join(dir, "manifests", `${m.stack}.json`),
      JSON.stringify({ drManifest: m }),
    );
  }
  return dir;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out, exited };
}

async function until<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("failover emulate (CLI)", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("prints its URL once listening, serves the SDK and `failover status`, exits 0 on SIGTERM", async () => {
    const dir = scratch();
    dirs.push(dir);
    const p = run(["emulate", "--port", "0"], dir);
    children.push(p.child);
    const url = await until("the listening line", 20_000, () => {
      if (p.child.exitCode !== null) throw new Error(`exited early: ${p.out.stderr}`);
      return /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(p.out.stdout)?.[1];
    });
    assert.equal(p.out.stdout, `emulator listening on ${url}\n`, "one line on stdout");
    const sts = new STSClient({
      region: "eu-west-1",
      endpoint: url,
      credentials: { accessKeyId: "AKID", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    try {
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, "123456789012");
    } finally {
      sts.destroy();
    }
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as {
      aurora: { writer: string };
    };
    assert.equal(state.aurora.writer, "us-east-1");

    // A second real process, `failover status`, reads both regions through it.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: "AKID",
    };
    env.AWS_SECRET_ACCESS_KEY = "x";
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    const status = run(["status"], dir, env);
    children.push(status.child);
    assert.notEqual(await status.exited, 2, status.out.stderr);
    assert.match(status.out.stdout, /writer us-east-1/);
    const { requests } = (await (await fetch(`${url}/_emulator/requests`)).json()) as {
      requests: { region: string; service: string; operation: string; status?: number }[];
    };
    const seen = new Set(
      requests.map((r) => `${r.region} ${r.service} ${r.operation} ${r.status}`),
    );
    for (const region of ["us-east-1", "eu-west-1"]) {
      for (const call of [
        "rds DescribeGlobalClusters",
        "dynamodb DescribeTable",
        "dynamodb GetItem",
        "monitoring DescribeAlarms",
        "kafka DescribeReplicator",
        "elasticache DescribeGlobalReplicationGroups",
      ]) {
        assert.ok(seen.has(`${region} ${call} 200`), `${region} ${call}: ${[...seen].join("; ")}`);
      }
    }
    assert.ok(seen.has("us-east-1 route53 GetHealthCheckStatus 200"));
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0);
    assert.match(p.out.stderr, /emulator stopped \(SIGTERM\)/);
  });

  it("a bad --faults file exits 2 naming the file and the key", async () => {
    const dir = scratch();
    dirs.push(dir);
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([
        { type: "error", region: "eu-west-1", code: "ThrottlingException", rate: 3 },
      ]),
    );
    const p = run(["emulate", "--faults", "faults.json"], dir);
    children.push(p.child);
    assert.equal(await p.exited, 2);
    assert.equal(p.out.stdout, "");
    assert.match(
      p.out.stderr,
      /error: --faults faults\.json is invalid: \[0\]\.rate: must be a fraction/,
    );
    assert.match(p.out.stderr, /fix: /);
  });

  describe("refuses bad input before listening (exit 2)", () => {
    let fx: CliFixture;
    beforeEach(() => (fx = new CliFixture()));
    afterEach(() => fx.cleanup());
    const write = (name: string, text: string) => fs.writeFileSync(path.join(fx.dir, name), text);

    it("faults: not JSON, a missing file, unknown fields, regions without a manifest", async () => {
      write("notjson.json", "[{");
      assert.equal(await fx.run("emulate", "--faults", "notjson.json"), 2);
      assert.match(fx.stderr, /--faults notjson\.json is not JSON/);
      assert.equal(await fx.run("emulate", "--faults", "missing.json"), 2);
      assert.match(fx.stderr, /--faults missing\.json cannot be read \(ENOENT\)/);
      write(
        "faults.json",
        JSON.stringify([
          { type: "outage", region: "ap-south-1" },
          { type: "black-hole", region: "eu-west-1", colour: "red" },
          { type: "slow", region: "eu-west-1", service: "ec2", delayMs: 5 },
        ]),
      );
      assert.equal(await fx.run("emulate", "--faults", "faults.json"), 2);
      assert.match(fx.stderr, /\[1\]\.colour: is not a field here/);
      assert.match(fx.stderr, /\[2\]\.service: must be a SigV4 service name/);
      write("faults.json", JSON.stringify([{ type: "outage", region: "ap-south-1" }]));
      assert.equal(await fx.run("emulate", "--faults", "faults.json"), 2);
      assert.match(fx.stderr, /\[0\]\.region: ap-south-1 has no DR manifest/);
    });

    it("params: unknown sections and keys, wrong shapes", async () => {
      write("params.json", JSON.stringify({ aurora: { switchoverSecs: 1 }, dns: {} }));
      assert.equal(await fx.run("emulate", "--params", "params.json"), 2);
      assert.match(fx.stderr, /--params params\.json is invalid: /);
      assert.match(fx.stderr, /aurora\.switchoverSecs: is not a field here/);
      assert.match(fx.stderr, /dns: is not a field here/);
      write("params.json", JSON.stringify({ aurora: { switchoverSeconds: 5 } }));
      assert.equal(await fx.run("emulate", "--params", "params.json"), 2);
      assert.match(fx.stderr, /aurora\.switchoverSeconds: must be a distribution/);
    });

    it("flags: a non-loopback host, a bad port, a port in use", async () => {
      assert.equal(await fx.run("emulate", "--host", "0.0.0.0"), 2);
      assert.match(fx.stderr, /--host 0\.0\.0\.0 is not a loopback address/);
      assert.equal(await fx.run("emulate", "--port", "70000"), 2);
      assert.match(fx.stderr, /--port '70000' is not a whole number from 0 to 65535/);
      const busy = http.createServer();
      await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
      try {
        const port = (busy.address() as AddressInfo).port;
        assert.equal(await fx.run("emulate", "--port", String(port)), 2);
        assert.match(
          fx.stderr,
          new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
        );
      } finally {
        await new Promise((r) => busy.close(r));
      }
    });
  });
});
