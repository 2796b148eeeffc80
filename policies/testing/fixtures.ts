import type { PolicyInput } from "../run";
import { TWO_CELLS } from "./cells";
import { stackSnapshot } from "./stackRender";

/**
 * One compliant fixture per resource type, taken from the compliant cells (home first, then
 * the joiner for joiner-only types): the resource's inputs, as a resource policy sees them.
 * Each call returns a fresh deep copy.
 */
export function compliant(type: string, name?: string): PolicyInput {
  for (const region of TWO_CELLS) {
    const found = stackSnapshot().steady.two[region].resources.find(
      (r) => r.type === type && (name === undefined || r.name === name),
    );
    if (found) {
      return structuredClone({
        type: found.type,
        name: found.name,
        props: found.inputs,
        protect: found.protect,
        ignoreChanges: found.ignoreChanges,
        parent: found.parent,
      });
    }
  }
  throw new Error(`no compliant fixture of type ${type}${name ? ` named ${name}` : ""}`);
}

/**
 * A copy of `input` with exactly one prop changed: `path` is dotted (`a.b`, `rules.0.status`);
 * `undefined` removes the field.
 */
export function changed(input: PolicyInput, path: string, value: unknown): PolicyInput {
  const copy = structuredClone(input);
  const parts = path.split(".");
  let cur = copy.props as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === undefined || cur[part] === null || typeof cur[part] !== "object") {
      throw new Error(`changed(): ${path} does not exist in the ${input.type} fixture`);
    }
    cur = cur[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
