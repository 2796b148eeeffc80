import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DR_POLICIES, PACK_NAME } from "./pack";
import { typesOf } from "./lib/policy";
import { policyCounts, policyTable } from "./docsTable";

/** Every `*.test.ts` under policies/, as text. */
function testSources(dir = __dirname): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return [testSources(p)];
      return e.name.endsWith(".test.ts") && e.name !== "pack.test.ts"
        ? [fs.readFileSync(p, "utf8")]
        : [];
    })
    .join("\n");
}

describe("policies/pack: the pack as a whole", () => {
  it("has at least 25 resource policies and the stack policies the issue asks for", () => {
    const resource = DR_POLICIES.filter((p) => typesOf(p) !== undefined);
    assert.ok(resource.length >= 25, `only ${resource.length} resource policies`);
    const names = DR_POLICIES.map((p) => p.name);
    for (const required of [
      "dr-replication-coverage",
      "rto-budget-within-target",
      "dr-manifest-complete",
      "peer-cell-parity",
    ]) {
      assert.ok(names.includes(required), `missing ${required}`);
    }
  });

  it("names policies in kebab-case, uniquely, with a what-and-why description and a shipped level", () => {
    const names = DR_POLICIES.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, "duplicate policy names");
    for (const p of DR_POLICIES) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
      assert.ok(
        ["advisory", "mandatory"].includes(p.enforcementLevel!),
        `${p.name}: ${p.enforcementLevel}`,
      );
      // At least two sentences: what it checks, then why it matters.
      assert.ok(p.description.split(/(?<=\.) /).length >= 2, `${p.name}: description needs a why`);
    }
  });

  it("has a test for every policy", () => {
    const sources = testSources();
    const untested = DR_POLICIES.filter((p) => !sources.includes(p.name)).map((p) => p.name);
    assert.deepEqual(untested, []);
  });

  it("documents every policy with its default level in docs/policies.md, in sync with the code", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "policies.md"), "utf8");
    assert.ok(
      doc.includes(policyCounts()),
      "docs/policies.md's policy counts are stale: regenerate them with `npm run docs`",
    );
    assert.ok(
      doc.includes(policyTable()),
      "docs/policies.md's policy table is stale: regenerate it with `npm run docs`",
    );
  });

  it("is loadable by `pulumi preview --policy-pack policies` as it is", () => {
    const yaml = parse(fs.readFileSync(path.join(__dirname, "PulumiPolicy.yaml"), "utf8")) as {
      runtime: string;
    };
    assert.equal(yaml.runtime, "nodejs");
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
    assert.equal(pkg.name, PACK_NAME);
    for (const [dep, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const rootVersion = root.dependencies[dep] ?? root.devDependencies[dep];
      assert.equal(
        version,
        rootVersion,
        `${dep}: ${String(version)} here, ${String(rootVersion)} at the root`,
      );
    }
    // index.ts only builds the pack, from the same list evaluatePack runs.
    const index = fs.readFileSync(path.join(__dirname, "index.ts"), "utf8");
    assert.match(
      index,
      /new PolicyPack\(PACK_NAME, \{[\s\S]*policies: DR_POLICIES,[\s\S]*\}\);\s*$/,
    );
  });
});
