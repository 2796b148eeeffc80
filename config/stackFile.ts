import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * Reads the `config:` block of `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to the
 * program: structured values as JSON text, scalars as strings. The offline plan and the tests
 * use this so they render a stack from exactly the file `pulumi up` would use.
 */
export function readStackConfig(projectDir: string, stackName: string): Record<string, string> {
  const file = stackConfigPath(projectDir, stackName);
  if (!fs.existsSync(file)) {
    const known = listStacks(projectDir);
    throw new Error(
      `No stack '${stackName}': ${path.relative(process.cwd(), file) || file} does not exist. ` +
        `Known stacks: ${known.length > 0 ? known.join(", ") : "none"}.`,
    );
  }
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      // Encrypted values cannot be read offline; this project keeps none in stack config.
      throw new Error(`${file}: ${key} is a secret; the offline plan cannot decrypt it.`);
    }
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

export function stackConfigPath(projectDir: string, stackName: string): string {
  return path.join(projectDir, `Pulumi.${stackName}.yaml`);
}

/** Stack names that have a `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
export function listStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
