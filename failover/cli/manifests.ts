import * as fs from "fs";
import * as path from "path";
import { readManifestFile } from "../../manifest";
import { InputValidationError } from "../../validation/issues";
import { LoadedManifest } from "../runbooks/topology";

/** Where manifests live unless --manifest says otherwise. */
export const DEFAULT_MANIFEST_DIR = "manifests";

/**
 * Reads every manifest given: files, or directories whose `*.json` files are read. Collects
 * every problem before throwing, so one run of the command lists them all.
 */
export function loadManifests(paths: string[], cwd: string): LoadedManifest[] {
  const given = paths.length > 0 ? paths : [DEFAULT_MANIFEST_DIR];
  const files: string[] = [];
  const errors: InputValidationError[] = [];
  for (const p of given) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      errors.push(
        new InputValidationError("--manifest", [
          {
            key: "--manifest",
            message: `${p} does not exist; write manifests with 'pulumi stack output --json > ${DEFAULT_MANIFEST_DIR}/<stack>.json' or pass --manifest <file or directory>.`,
          },
        ]),
      );
      continue;
    }
    if (stat.isDirectory()) {
      const inDir = fs
        .readdirSync(abs)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => path.join(abs, f));
      if (inDir.length === 0) {
        errors.push(
          new InputValidationError("--manifest", [
            {
              key: "--manifest",
              message: `${p} holds no .json files; write one per stack with 'pulumi stack output --json > ${path.join(p, "<stack>.json")}'.`,
            },
          ]),
        );
      }
      files.push(...inDir);
    } else {
      files.push(abs);
    }
  }
  const loaded: LoadedManifest[] = [];
  for (const f of files) {
    const source = path.relative(cwd, f) || f;
    try {
      loaded.push({ manifest: readManifestFile(f), source });
    } catch (e) {
      if (!(e instanceof InputValidationError)) throw e;
      errors.push(
        new InputValidationError(
          source,
          e.issues.map((i) => ({ ...i, key: `${source}: ${i.key}` })),
        ),
      );
    }
  }
  if (errors.length > 0) {
    throw new InputValidationError(
      "the DR manifests",
      errors.flatMap((e) => e.issues),
    );
  }
  return loaded;
}
