import { DrManifest, MANIFEST_OUTPUT, parseManifest } from "../../manifest";
import type { StackView } from "../lib/policy";
import { InputValidationError } from "../../validation/issues";

export type OwnManifest =
  | { kind: "valid"; manifest: DrManifest }
  | { kind: "missing" }
  | { kind: "invalid"; error: InputValidationError };

/** The stack's own DR manifest, read from its `drManifest` output. */
export function ownManifest(stack: StackView): OwnManifest {
  const value = stack.outputs()?.[MANIFEST_OUTPUT];
  if (value === undefined || value === null) return { kind: "missing" };
  try {
    return { kind: "valid", manifest: parseManifest(value, `the ${MANIFEST_OUTPUT} output`) };
  } catch (e) {
    if (e instanceof InputValidationError) return { kind: "invalid", error: e };
    throw e;
  }
}
