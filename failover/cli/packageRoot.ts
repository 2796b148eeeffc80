import * as fs from "fs";
import * as path from "path";

/**
 * The package's root: the nearest directory above this file that holds a package.json. The
 * same answer from the TypeScript sources (failover/cli/) and from the bundle (dist/).
 */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/**
 * Requires one of the package's TypeScript modules from its sources, through tsx, for code
 * that cannot run from the bundle: the Pulumi program behind `drill --offline` finds its files
 * (the Lambda handlers, the stack files) relative to its own sources. Loaded only when used.
 */
export function requireSource<T>(relativePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("tsx/cjs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(packageRoot(), relativePath)) as T;
}
