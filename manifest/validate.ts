import * as fs from "fs";
import { drManifestSchema, DrManifest, MANIFEST_OUTPUT } from "./schema";
import { formatPath, fromZodIssues, InputValidationError } from "../validation/issues";

/**
 * Checks a value against the manifest schema. Accepts the manifest itself or the object
 * `pulumi stack output --json` prints (which holds it under `drManifest`). Throws an
 * InputValidationError naming every bad field.
 */
export function parseManifest(value: unknown, source = "DR manifest"): DrManifest {
  const candidate =
    value !== null && typeof value === "object" && MANIFEST_OUTPUT in value
      ? (value as Record<string, unknown>)[MANIFEST_OUTPUT]
      : value;
  const result = drManifestSchema.safeParse(candidate);
  if (!result.success) {
    throw new InputValidationError(
      source,
      fromZodIssues(result.error.issues, (path) => formatPath("", path) || "<root>"),
    );
  }
  return result.data;
}

/** Reads and validates a manifest file (a manifest, or `pulumi stack output --json`). */
export function readManifestFile(file: string): DrManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputValidationError(file, [
      {
        key: "<file>",
        message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path.`,
      },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputValidationError(file, [
      {
        key: "<file>",
        message: `is not JSON (${(e as Error).message}); write it with 'pulumi stack output --json > ${file}'.`,
      },
    ]);
  }
  return parseManifest(json, file);
}
