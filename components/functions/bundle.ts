import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";
import { packageRoot } from "../../packaging/packageRoot";

/**
 * Bundles a handler of functions/ (and what it imports from this repo, e.g. admission/) into
 * one CommonJS file, in memory, at plan time: no network, no file written, and the same bytes
 * for the same sources on any machine (paths in the output are relative to the repo root), so
 * the function's code hash does not change between previews.
 *
 * Every @aws-sdk/* import is left external: the nodejs22.x runtime ships the AWS SDK for
 * JavaScript v3 (including @aws-sdk/client-sns, which this repo does not install). The
 * handlers therefore run on the runtime's SDK version, not the one in package-lock.json.
 */

/** Where the handlers' sources are, from the sources or from the library bundle (dist/). */
export const REPO_ROOT = packageRoot();

/** The handlers the functions component deploys, by role. */
export const HANDLERS = {
  queueConsumer: "functions/queueConsumer.ts",
  streamProcessor: "functions/streamProcessor.ts",
  heartbeat: "functions/heartbeat.ts",
} as const;
export type HandlerRole = keyof typeof HANDLERS;

/** The file name inside the archive; the function's handler is `index.handler`. */
export const BUNDLE_FILE = "index.js";

const cache = new Map<string, string>();

/** The bundled JavaScript of one handler (cached per process: previews bundle once). */
export function bundleHandler(role: HandlerRole): string {
  const cached = cache.get(role);
  if (cached !== undefined) return cached;
  const code = buildHandler(role);
  cache.set(role, code);
  return code;
}

/** Bundles one handler now, without the cache. */
export function buildHandler(role: HandlerRole): string {
  const entry = HANDLERS[role];
  const result = esbuild.buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    // Only the repo's own sources: no tsconfig paths or plugins that could vary by machine.
    tsconfigRaw: { compilerOptions: { target: "ES2022" } },
  });
  if (result.errors.length > 0) {
    throw new Error(`bundling ${entry} failed: ${result.errors.map((e) => e.text).join("; ")}`);
  }
  return result.outputFiles[0].text;
}

/** The Lambda code archive of one handler: one in-memory file, `index.js`. */
export function handlerArchive(role: HandlerRole): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    [BUNDLE_FILE]: new pulumi.asset.StringAsset(bundleHandler(role)),
  });
}
