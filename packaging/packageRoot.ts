import * as fs from "fs";
import * as path from "path";

/**
 * The package's root: the nearest directory above this file that holds a package.json. The
 * same answer from the TypeScript sources and from a bundle in dist/ (the command's, the
 * library's), so files the package reads at run time (the Lambda handlers) are found in both.
 */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
