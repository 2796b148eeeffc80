import { strict as assert } from "assert";
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
      assert.deepEqual(
        Object.keys(r).filter((k) => !["type", "name", "parent", "inputs"].includes(k)),
        [],
      );
    }
    assert.equal(parseManifest(plan.manifest).region, "eu-west-1");
    assert.deepEqual(plan.violations, []);
  });

  it("the human summary shows resources by type, the RTO budget and the manifest", async () => {
    const { code, stdout } = await runPlan(["--stack", "prod-use1"]);
    assert.equal(code, 0);
    assert.match(stdout, /Stack prod-use1: cell use1 in us-east-1, home cell/);
    assert.match(stdout, /aws:rds\/globalCluster:GlobalCluster\s+1/);
    assert.match(stdout, /total\s+180 s\s+vs target 300 s \(tier0\): fits/);
    assert.match(stdout, /Deferred: nothing/);
    assert.match(stdout, /Policy pack: 0 mandatory, 0 advisory/);
    assert.match(stdout, /"roleAtCreation": "home"/);
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
    // A 60 s RTO target cannot hold a 180 s budget: valid config, failing policy.
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
    assert.equal(parseManifest(JSON.parse(fs.readFileSync(file, "utf8"))).stack, "prod-use1");
  });
});
