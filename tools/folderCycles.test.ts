import { strict as assert } from "assert";
import * as path from "path";
import {
  describeCycle,
  fileImports,
  folderCycles,
  folderCyclesOf,
  folderEdges,
  SourceFile,
} from "./folderCycles";

const ROOT = path.resolve(__dirname, "..");

/**
 * Folder cycles that exist and are not this test's to untangle yet, each as its sorted folder
 * list. A fixed one must be removed from here (the test says so), a new one fails the test: the
 * list only shrinks.
 */
const KNOWN: Record<string, string> = {
  "budget, components/dynamodb, components/events, components/traffic, config, manifest":
    "config/load.ts reads budget/rto.ts, which reads the traffic component's switch timings; the components read config and the manifest schema",
  "plan, policies, program":
    "the offline plan renders the program and runs the policies, which render through plan/render.ts; the switchover-world program renders through plan/",
};

/** Layers that must never be part of a folder cycle again (issue 11). */
const LAYERED = ["failover/adapters", "failover/engine", "failover/cli", "failover/commands"];

const src = (file: string, ...imports: string[]): SourceFile => ({
  file,
  text: imports.map((i) => `import { x } from "${i}";`).join("\n"),
});

describe("folder cycles", () => {
  it("finds a cycle through static imports, lazy requires and import() types", () => {
    const cycles = folderCycles(
      folderEdges(
        fileImports([
          src("failover/engine/retry.ts", "../adapters/types"),
          // The cycle back, through a lazy require and a subfolder (part of the adapters unit).
          {
            file: "failover/adapters/aws/errors.ts",
            text: `const r: typeof import("../../engine/retry") = require("../../engine/retry");`,
          },
          src("failover/adapters/types.ts"),
          src("failover/cli/deps.ts", "../engine/retry"),
        ]),
      ),
    );
    assert.deepEqual(
      cycles.map((c) => c.folders),
      [["failover/adapters", "failover/engine"]],
    );
    assert.match(
      describeCycle(cycles[0]),
      /failover\/adapters\/aws\/errors\.ts -> failover\/engine\/retry\.ts/,
    );
  });

  it("finds none in a one-way graph, and none inside one folder or one unit", () => {
    const cycles = folderCycles(
      folderEdges(
        fileImports([
          src("failover/commands/program.ts", "./index", "../cli/errors"),
          src("failover/commands/index.ts", "./program"),
          src("failover/cli/errors.ts", "../engine/journal"),
          src("failover/engine/journal.ts"),
          src("failover/emulator/server.ts", "./services/index"),
          src("failover/emulator/services/index.ts", "../server"),
        ]),
      ),
    );
    assert.deepEqual(cycles, []);
  });

  it("the product has no folder cycles but the known ones, and none through the failover layers", () => {
    const cycles = folderCyclesOf(ROOT);
    const found = cycles.map((c) => c.folders.join(", "));
    const unexpected = cycles.filter((c) => !(c.folders.join(", ") in KNOWN));
    assert.deepEqual(
      unexpected.map(describeCycle),
      [],
      "a new folder cycle: make one direction go (move the shared piece down, or pass it in)",
    );
    for (const layer of LAYERED) {
      assert.ok(!found.some((f) => f.split(", ").includes(layer)), `${layer} is in a cycle`);
    }
    const fixed = Object.keys(KNOWN).filter((k) => !found.includes(k));
    assert.deepEqual(fixed, [], "a known cycle is gone (or changed): remove it from KNOWN");
  });
});
