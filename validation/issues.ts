import { z } from "zod";

/**
 * One problem with a user's input: the dotted key it is about and what to do.
 * Config errors, manifest errors and policy-config errors all end up as these so that every
 * surface (pulumi up, the offline plan, the failover commands) prints them the same way.
 */
export interface InputIssue {
  /** The key as the user wrote it, e.g. `dr:dns.ttlSeconds` or `stores.aurora.clusterArn`. */
  key: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Thrown when input does not validate; `issues` lists every problem found, not just the first. */
export class InputValidationError extends Error {
  constructor(
    readonly source: string,
    readonly issues: InputIssue[],
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join("\n")}`);
    this.name = "InputValidationError";
  }
}

/** Joins a zod path into the dotted/indexed form users see in YAML and JSON (`tables[1].name`). */
export function formatPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" || out.endsWith(":") ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Converts zod issues to InputIssues; `keyFor` maps a zod path to the user's key. */
export function fromZodIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  keyFor: (path: ReadonlyArray<PropertyKey>) => string,
): InputIssue[] {
  return issues.flatMap((issue): InputIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: keyFor([...issue.path, k]),
        message:
          "is not a known setting; remove it or check its spelling against docs/configuration.md.",
      }));
    }
    return [{ key: keyFor(issue.path), message: issue.message }];
  });
}

/**
 * True for the errors that report the user's input, not a bug: config and manifest problems
 * (InputValidationError), a component's bad args (InputPropertyError, InputPropertiesError), a
 * bad combination (ResourceError) and the program's own RunError. Duck-typed on the error's
 * name and Pulumi's markers, so it needs no @pulumi/pulumi import.
 */
export function isUserInputError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (e instanceof InputValidationError) return true;
  const marked = e as unknown as Record<string, unknown>;
  return (
    marked.__pulumiRunError === true ||
    marked.__pulumResourceError === true ||
    marked.__pulumiInputPropertyError === true ||
    marked.__pulumiInputPropertiesError === true
  );
}
