import * as path from "path";
import { packageRoot } from "../../packaging/packageRoot";

export { packageRoot };

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
