/**
 * Builds the `failover` command into one JavaScript file, `dist/failover.js`, so an operator's
 * command starts without compiling TypeScript (tsx compiles each file on first use). `npm ci`
 * and `npm install` run it (the `prepare` script); `npm run build` runs it by hand.
 *
 * Dependencies stay outside the bundle and load from node_modules when required; the AWS SDK
 * clients are required lazily (failover/adapters/aws/index.ts), and esbuild keeps a lazily
 * required module lazy in the bundle, so `--help` evaluates none of them. zod is bundled: it is
 * 95 small files that every command needs, and one file loads faster than 95.
 *
 * Next to the bundle, `failover.inputs.json` lists every source file in it. `bin/failover.js`
 * uses the bundle only when no input is newer than it, and runs the TypeScript sources through
 * tsx otherwise: an edited checkout never runs stale code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { buildLibrary } from "./buildLibrary";

export const ROOT = path.resolve(__dirname, "..");
export const ENTRY = "failover/commands/program.ts";
/** Bundled rather than required from node_modules (see above). */
const BUNDLED_PACKAGES = ["zod"];

export interface BuildResult {
  outfile: string;
  inputs: string[];
}

/** Builds the bundle into `outdir` (default `dist/`) and writes its input list. */
export async function buildCli(outdir = path.join(ROOT, "dist")): Promise<BuildResult> {
  const outfile = path.join(outdir, "failover.js");
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    // The oldest Node line the package supports (package.json engines).
    target: "node22",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externalPackagesExcept(BUNDLED_PACKAGES)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.split("/").includes("node_modules"))
    .sort();
  // A dependency bundled into the file changes with the lockfile.
  inputs.push("package-lock.json");
  fs.writeFileSync(
    path.join(outdir, "failover.inputs.json"),
    JSON.stringify({ entry: ENTRY, inputs }, null, 1) + "\n",
  );
  return { outfile, inputs };
}

/** Every bare import (a package) stays a `require` at run time, except the named packages. */
function externalPackagesExcept(bundled: string[]): esbuild.Plugin {
  return {
    name: "external-packages",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith("@")
          ? args.path.split("/").slice(0, 2).join("/")
          : args.path.split("/")[0];
        return bundled.includes(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

if (require.main === module) {
  const started = Date.now();
  // The library entry is built beside the command (tools/buildLibrary.ts).
  Promise.all([buildCli(), buildLibrary()]).then(
    ([{ outfile, inputs }, library]) =>
      console.log(
        `built ${path.relative(ROOT, outfile)} from ${inputs.length} files and ` +
          `${path.relative(ROOT, library)} in ${Date.now() - started} ms`,
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
