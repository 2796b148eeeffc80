/**
 * Builds the package's library entry (library/index.ts) into `dist/library.js`, the file the
 * package's `exports` name: a user's Pulumi program runs under ts-node, which does not compile
 * TypeScript inside node_modules, so the package must hand it JavaScript. Dependencies stay
 * outside the bundle (the user's own @pulumi/* must be the ones the cell registers with). The
 * types come from the sources (`exports` "types": library/index.ts). Built with the command's
 * bundle by `npm ci` (prepare) and `npm run build`.
 */
import * as path from "node:path";
import * as esbuild from "esbuild";
import { ROOT } from "./buildCli";

export const LIBRARY_ENTRY = "library/index.ts";

export async function buildLibrary(outdir = path.join(ROOT, "dist")): Promise<string> {
  const outfile = path.join(outdir, "library.js");
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [LIBRARY_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    sourcemap: "linked",
    logLevel: "warning",
    // Every package (a bare import) is required from node_modules at run time.
    packages: "external",
  });
  return outfile;
}
