import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseManifest } from "../manifest";
import { main } from "./cli";
import { PROJECT_DIR } from "./stack";

/** Runs the plan command in-process through its real argument parser, capturing its output. */
async function runPlan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** A copy of the project's stack files with one stack's config edited. */
function projectWith(stack: string, edit: (config: Record<string, unknown>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
  for (const f of fs.readdirSync(PROJECT_DIR).filter((n) => /^Pulumi\..*yaml$/.test(n))) {
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = parse(fs.readFileSync(file, "utf8"));
  edit(doc.config);
  fs.writeFileSync(file, stringify(doc));
  return dir;
}

describe("npm run plan", () => {
  it("--json prints the stack, its resources, a valid manifest and no violations", async () => {
    const { code, stdout } = await runPlan(["--stack", "prod-euw1", "--json"]);
    assert.equal(code, 0);
    const plan = JSON.parse(stdout);
    assert.equal(plan.stack, "prod-euw1");
    assert.equal(plan.region, "eu-west-1");
    assert.ok(plan.resources.length > 50);
    for (const r of plan.resources) {
      assert.ok(
        typeof r.type === "string" && typeof r.name === "string" && typeof r.inputs === "object",
      );
      assert.ok(r.region === null || typeof r.region === "string", r.name);
      assert.ok(Array.isArray(r.managedThrough), r.name);
      assert.deepEqual(
        Object.keys(r.options)
          .filter((k) => k !== "provider")
          .sort(),
        [
          "deleteBeforeReplace",
          "dependsOn",
          "ignoreChanges",
          "protect",
          "registeredInApply",
          "retainOnDelete",
        ],
        r.name,
      );
    }
    const replica = plan.resources.find(
      (r: { name: string }) => r.name === "shop-euw1-tables-ordersReplica",
    );
    assert.equal(replica.region, "eu-west-1");
    assert.deepEqual(replica.managedThrough, ["eu-west-1", "us-east-1"]);
    assert.equal(replica.options.protect, true);
    assert.ok(Array.isArray(replica.options.ignoreChanges));
    const role = plan.resources.find((r: { type: string }) => r.type === "aws:iam/role:Role");
    assert.equal(role.region, "global");
    const nodeGroup = plan.resources.find(
      (r: { type: string }) => r.type === "aws:eks/nodeGroup:NodeGroup",
    );
    assert.ok(nodeGroup.options.dependsOn.length > 0, "the node group waits for its policies");
    assert.equal(parseManifest(plan.manifest).region, "eu-west-1");
    assert.deepEqual(plan.violations, []);
  });

  it("the human summary shows resources by type, the RTO budget and the manifest", async () => {
    const { code, stdout } = await runPlan(["--stack", "prod-use1"]);
    assert.equal(code, 0);
    assert.match(stdout, /Stack prod-use1: cell use1 in us-east-1, home cell/);
    assert.match(stdout, /aws:rds\/globalCluster:GlobalCluster\s+1/);
    assert.match(stdout, /writer move\s+155 s/);
    assert.match(stdout, /total\s+215 s\s+vs target 300 s \(tier0\): fits/);
    assert.match(stdout, /Deferred: nothing/);
    assert.match(stdout, /Policy pack: 0 mandatory, 0 advisory/);
    // The verdict is last, after the resource list; the manifest only on request.
    const budget = stdout.indexOf("RTO budget");
    assert.ok(budget > stdout.lastIndexOf("Resources that live or are managed outside"));
    assert.ok(budget < stdout.indexOf("Policy pack:"));
    assert.match(stdout, /Policy pack: .*\n$/);
    assert.doesNotMatch(stdout, /roleAtCreation/);
    const shown = await runPlan(["--stack", "prod-use1", "--show-manifest"]);
    assert.match(
      shown.stdout,
      /DR manifest \(stack output drManifest\):\n[^]*"roleAtCreation": "home"/,
    );
    assert.ok(shown.stdout.indexOf("roleAtCreation") < shown.stdout.indexOf("RTO budget"));
  });

  it("the docs' `npm run plan -- ... --json` (docs/deploying.md) prints parseable JSON (no npm banner)", async () => {
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn("npm", ["run", "plan", "--", "--stack", "prod-use1", "--json"], {
        cwd: PROJECT_DIR,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout }));
    });
    assert.equal(out.code, 0);
    assert.equal(JSON.parse(out.stdout).stack, "prod-use1");
  });

  it("--first-deploy shows what a second pulumi up adds", async () => {
    const { code, stdout } = await runPlan(["--stack", "prod-use1", "--first-deploy"]);
    assert.equal(code, 0);
    assert.match(stdout, /Deferred until a peer is deployed:\n\s+- the MSK replicator/);
  });

  it("a config error exits 2 with the key and the fix, and prints no plan", async () => {
    const dir = projectWith("prod-use1", (c) => {
      (c["dr:dns"] as Record<string, unknown>).ttlSeconds = 300;
    });
    const { code, stdout, stderr } = await runPlan(["--stack", "prod-use1", "--project", dir]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /dr:dns.ttlSeconds: must be at most 60/);
  });

  it("a dotted top-level key and a misspelt key exit 2 with the fix", async () => {
    const dir = projectWith("prod-use1", (c) => {
      c["dr:dns.ttlSeconds"] = 20;
      c["dr:tire"] = "tier1";
    });
    const { code, stdout, stderr } = await runPlan(["--stack", "prod-use1", "--project", dir]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /pulumi config set --path 'dr:dns.ttlSeconds' 20/);
    assert.match(stderr, /dr:tire: is not a known setting; did you mean dr:tier\?/);
  });

  it("an unknown stack exits 2 and names the known ones", async () => {
    const { code, stderr } = await runPlan(["--stack", "prod-mars1"]);
    assert.equal(code, 2);
    assert.match(stderr, /No stack 'prod-mars1'.*Known stacks: prod-euw1, prod-use1/);
  });

  it("a missing --stack exits 2", async () => {
    const { code, stderr } = await runPlan([]);
    assert.equal(code, 2);
    assert.match(stderr, /required option '-s, --stack <name>'/);
  });

  it("a mandatory policy violation exits 1 and is listed", async () => {
    // A 60 s RTO target cannot hold a 215 s budget: valid config, failing policy.
    const dir = projectWith("prod-use1", (c) => {
      c["dr:targets"] = { rtoSeconds: 60 };
    });
    const { code, stdout } = await runPlan(["--stack", "prod-use1", "--project", dir, "--json"]);
    assert.equal(code, 1);
    const plan = JSON.parse(stdout);
    const hit = plan.violations.find(
      (v: { policy: string }) => v.policy === "rto-budget-within-target",
    );
    assert.ok(hit, JSON.stringify(plan.violations));
    assert.equal(hit.level, "mandatory");
  });

  it("--write-manifest writes the manifest the stack publishes", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "m", "use1.json");
    const { code } = await runPlan(["--stack", "prod-use1", "--write-manifest", file]);
    assert.equal(code, 0);
    const written = parseManifest(JSON.parse(fs.readFileSync(file, "utf8")));
    assert.equal(written.stack, "prod-use1");
    // Stamped when written, so the failover commands do not refuse it as stale.
    assert.ok(Math.abs(Date.now() - Date.parse(written.generatedAt)) < 60_000, written.generatedAt);
  });

  it("shows every warning and info the program logs, naming the resource, in text and --json", async () => {
    // The home cell has a table this joiner does not list: GlobalTables warns about it.
    const dir = projectWith("prod-euw1", (c) => {
      const dynamodb = c["dr:dynamodb"] as { tables: { name: string }[] };
      dynamodb.tables = dynamodb.tables.filter((t) => t.name !== "carts");
    });
    const json = await runPlan(["--stack", "prod-euw1", "--project", dir, "--json"]);
    assert.equal(json.stderr, "");
    const diagnostics = JSON.parse(json.stdout).diagnostics;
    const warning = diagnostics.find((d: { severity: string }) => d.severity === "warn");
    assert.ok(warning, JSON.stringify(diagnostics));
    assert.match(warning.message, /tables this cell does not replicate: shop-carts/);
    assert.equal(warning.resource, "shop-euw1-tables");
    assert.equal(warning.resourceType, "dr:dynamodb:GlobalTables");
    const text = await runPlan(["--stack", "prod-euw1", "--project", dir]);
    assert.match(
      text.stdout,
      /Diagnostics the program logged \(\d+\):[\s\S]*warn \(shop-euw1-tables\): The home cell has tables this cell does not replicate: shop-carts/,
    );
    assert.match(
      text.stdout,
      /outside eu-west-1[\s\S]*aws:dynamodb\/tableReplica:TableReplica shop-euw1-tables-ordersReplica: us-east-1/,
    );
    // The outage command names each such resource by the URN Pulumi gives it.
    assert.ok(
      text.stdout.includes(
        "While us-east-1 is down, refresh this stack without them:\n    pulumi refresh -s prod-euw1 " +
          "--exclude 'urn:pulumi:prod-euw1::dr::dr:cell:RegionalCell$dr:kms:CellKey$aws:kms/replicaKey:ReplicaKey::shop-euw1-key-replicaKey' " +
          "--exclude 'urn:pulumi:prod-euw1::dr::dr:cell:RegionalCell$dr:dynamodb:GlobalTables$aws:dynamodb/tableReplica:TableReplica::shop-euw1-tables-ordersReplica'",
      ),
      text.stdout,
    );
  });
});

/** Runs `plan/cli.ts` as its own process, as `npm run plan` does: nothing else catches its errors. */
function planProcess(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "tsx/cjs", path.join(PROJECT_DIR, "plan", "cli.ts"), ...args],
      { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run plan: errors that involve two stacks", function () {
  this.timeout(180_000);
  const cases: {
    title: string;
    stack: string;
    edit?: { stack: string; change: (c: Record<string, unknown>) => void };
    firstDeploy?: boolean;
    expect: RegExp[];
  }[] = [
    {
      title: "a peer cidr that disagrees with the peer's own file",
      stack: "prod-use1",
      edit: { stack: "prod-use1", change: (c) => (peer0(c).cidr = "10.30.0.0/16") },
      expect: [
        /dr:peers\[0\]\.cidr: is 10\.30\.0\.0\/16 but stack prod-euw1 uses 10\.20\.0\.0\/16/,
        /copy the peer's dr:network\.cidr/,
      ],
    },
    {
      title: "a peer region that disagrees with the peer's own file",
      stack: "prod-use1",
      edit: { stack: "prod-use1", change: (c) => (peer0(c).region = "eu-central-1") },
      expect: [
        /dr:peers\[0\]\.region: is eu-central-1 but stack prod-euw1 is deployed in eu-west-1/,
        /fix the peer entry/,
      ],
    },
    {
      title: "a homeRegion the peers disagree with",
      stack: "prod-euw1",
      edit: { stack: "prod-euw1", change: (c) => (c["dr:homeRegion"] = "eu-west-1") },
      expect: [
        /peer stack prod-use1/,
        /dr:homeRegion: is us-east-1 but peer prod-euw1 says eu-west-1/,
        /every cell must name the same home region/,
      ],
    },
    {
      title: "a joiner table the home cell lacks",
      stack: "prod-euw1",
      edit: {
        stack: "prod-euw1",
        change: (c) =>
          (c["dr:dynamodb"] as { tables: unknown[] }).tables.push({
            name: "payments",
            partitionKey: "id",
          }),
      },
      expect: [
        /homeTableArns\["shop-payments"\]: is missing: the home cell has no table 'shop-payments'/,
        /Add it to the home stack's dr:dynamodb\.tables/,
      ],
    },
    {
      title: "the same joiner table, planned from the home stack",
      stack: "prod-use1",
      edit: {
        stack: "prod-euw1",
        change: (c) =>
          (c["dr:dynamodb"] as { tables: unknown[] }).tables.push({
            name: "payments",
            partitionKey: "id",
          }),
      },
      expect: [
        /Stack prod-use1 reads the DR manifest of peer stack prod-euw1, which does not render/,
        /the home cell has no table 'shop-payments'/,
      ],
    },
    {
      title: "a dr:events value out of range",
      stack: "prod-use1",
      edit: { stack: "prod-use1", change: (c) => (c["dr:events"] = { bufferMb: 500 }) },
      expect: [/dr:events\.bufferMb: must be at most 128/],
    },
    {
      title: "a dr:events.jobTable that is no table of the cell",
      stack: "prod-use1",
      edit: { stack: "prod-use1", change: (c) => (c["dr:events"] = { jobTable: "cart" }) },
      expect: [
        /dr:events\.jobTable: 'cart' is not a table of dr:dynamodb\.tables \(orders, carts\)/,
      ],
    },
    {
      title: "witness regions the peer disagrees with",
      stack: "prod-euw1",
      edit: {
        stack: "prod-euw1",
        change: (c) =>
          (c["dr:trafficSwitch"] = { type: "cloudwatch-gate", witnessRegions: ["us-west-1"] }),
      },
      expect: [
        /dr:trafficSwitch\.witnessRegions: is \[us-west-1\] but peer prod-use1 has \[us-west-2\]/,
        /every cell must list the same witness regions/,
      ],
    },
    {
      title: "two cells and no witness region",
      stack: "prod-use1",
      edit: {
        stack: "prod-use1",
        change: (c) => (c["dr:trafficSwitch"] = { type: "cloudwatch-gate" }),
      },
      expect: [
        /dr:trafficSwitch\.witnessRegions: gives 2 writer-gate regions/,
        /pulumi config set --path dr:trafficSwitch\.witnessRegions\[0\] us-west-2/,
      ],
    },
    {
      title: "--first-deploy on a joiner",
      stack: "prod-euw1",
      firstDeploy: true,
      expect: [/Deploy the home cell first: 'pulumi up -s prod-use1'/],
    },
  ];
  const results = new Map<string, Awaited<ReturnType<typeof planProcess>>>();

  before(async () => {
    // Each case is its own process (about 4 s); two at a time.
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const dir = c.edit ? projectWith(c.edit.stack, c.edit.change) : PROJECT_DIR;
        const args = [
          "--stack",
          c.stack,
          "--project",
          dir,
          ...(c.firstDeploy ? ["--first-deploy"] : []),
        ];
        results.set(c.title, await planProcess(args));
      }
    };
    await Promise.all([worker(), worker()]);
  });

  for (const c of cases) {
    it(`${c.title}: exit 2, the key and the fix, no stack trace, no plan`, () => {
      const r = results.get(c.title)!;
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      for (const re of c.expect) assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /^\s+at /m, "a stack trace");
      assert.doesNotMatch(r.stderr, /RunError|ResourceError|InputPropertyError|Node\.js v/);
    });
  }
});

function peer0(c: Record<string, unknown>): Record<string, unknown> {
  return (c["dr:peers"] as Record<string, unknown>[])[0];
}
