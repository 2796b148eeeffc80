import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildLibrary } from "../tools/buildLibrary";

const ROOT = path.resolve(__dirname, "..");

/*
 * The package as a user's Pulumi program meets it: a program outside this repository imports
 * it by name (through node_modules and the package's `exports`, so from dist/library.js, not
 * the TypeScript sources) and builds a cell. Run under ts-node, what Pulumi runs, and tsx.
 */
describe("library: the package by name, from a program of one's own", function () {
  this.timeout(300_000);
  let dir: string;

  before(async () => {
    await buildLibrary();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-library-"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(ROOT, path.join(dir, "node_modules", "pulumi-multi-region-dr"), "dir");
    // The user's own Pulumi SDK (the same files, so one runtime instance, as npm dedupes it).
    fs.symlinkSync(
      path.join(ROOT, "node_modules", "@pulumi"),
      path.join(dir, "node_modules", "@pulumi"),
      "dir",
    );
    // A Pulumi TypeScript template's tsconfig.
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2020",
          module: "commonjs",
          moduleResolution: "node",
          esModuleInterop: true,
          skipLibCheck: true,
        },
      }),
    );
    // The user's program: the package by name; the repo's offline renderer by path (test only).
    fs.writeFileSync(
      path.join(dir, "program.ts"),
      `import * as pulumi from "@pulumi/pulumi";
import * as dr from "pulumi-multi-region-dr";
const render = require(${JSON.stringify(path.join(ROOT, "plan/render"))});
const stack = require(${JSON.stringify(path.join(ROOT, "plan/stack"))});

async function main() {
  const entry = require.resolve("pulumi-multi-region-dr");
  const config = stack.readStackFile(${JSON.stringify(ROOT)}, "prod-use1");
  const r = await render.renderProgram({
    project: "mine",
    stack: "prod-use1",
    config,
    program: async () => {
      const c = dr.loadDrConfig(pulumi.getStack(), pulumi.runtime.allConfig());
      const cell = new dr.RegionalCell("mine-" + c.cell, { config: c, peers: await dr.readPeers(c) });
      return { [dr.MANIFEST_OUTPUT]: cell.manifest };
    },
  });
  const manifest = dr.parseManifest(r.outputs[dr.MANIFEST_OUTPUT], "manifest");
  console.log(JSON.stringify({
    entry,
    schemaVersion: dr.MANIFEST_SCHEMA_VERSION,
    region: manifest.region,
    resources: r.resources.length,
    functions: r.resources.filter((x: { type: string }) => x.type === "aws:lambda/function:Function").length,
    queue: r.resources.find((x: { type: string }) => x.type === "aws:sqs/queue:Queue").inputs.name,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`,
    );
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, [...args, path.join(dir, "program.ts")], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        stdio: ["ignore", "pipe", "pipe"],
      })
        .trim()
        .split("\n")
        .pop()!,
    );

  for (const [runner, args] of [
    ["ts-node", ["-r", require.resolve("ts-node/register")]],
    ["tsx", ["--import", require.resolve("tsx/esm"), "--require", require.resolve("tsx/cjs")]],
  ] as const) {
    it(`under ${runner}: resolves to dist/library.js and renders a whole cell named after its own name`, () => {
      const out = run([...args]);
      assert.equal(fs.realpathSync(out.entry), path.join(ROOT, "dist", "library.js"));
      assert.equal(out.region, "us-east-1");
      assert.ok(out.resources > 100, `${out.resources} resources`);
      // The Lambda handlers are found from the bundle in dist/ (packageRoot), and bundled.
      assert.ok(out.functions >= 2, `${out.functions} functions`);
      assert.match(out.queue, /^mine-use1-/);
    });
  }
});
