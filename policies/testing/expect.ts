import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { DrPolicy } from "../lib/policy";
import { STACK_TYPE } from "../lib/policy";
import {
  Finding,
  PolicyInput,
  policyResources,
  runResourcePolicy,
  runStackPolicy,
  urnOf,
} from "../run";
import { CellOptions, cellRender, CellRegion } from "./cells";

function asResource(policy: DrPolicy): ResourceValidationPolicy {
  assert.ok("validateResource" in policy, `${policy.name} is not a resource policy`);
  return policy as ResourceValidationPolicy;
}

function asStack(policy: DrPolicy): StackValidationPolicy {
  assert.ok("validateStack" in policy, `${policy.name} is not a stack policy`);
  return policy as StackValidationPolicy;
}

/** The resource passes the policy. */
export function passes(
  policy: DrPolicy,
  input: PolicyInput,
  config: Record<string, unknown> = {},
): void {
  assert.deepEqual(runResourcePolicy(asResource(policy), input, config), []);
}

/** The resource fails the policy with exactly one violation matching `pattern`. */
export function fails(
  policy: DrPolicy,
  input: PolicyInput,
  pattern: RegExp,
  config: Record<string, unknown> = {},
): void {
  const messages = runResourcePolicy(asResource(policy), input, config);
  assert.equal(messages.length, 1, `expected one violation, got ${JSON.stringify(messages)}`);
  assert.match(messages[0], pattern);
}

/** A cell's stack as AnalyzeStack sees it (outputs as props, the Stack resource first). */
export function stackInputs(
  region: CellRegion,
  mutate?: (inputs: PolicyInput[]) => void,
  opts: CellOptions = {},
): PolicyInput[] {
  const render = cellRender(region, opts);
  const stackName = `dr-${render.stack}`;
  const inputs: PolicyInput[] = [
    { type: STACK_TYPE, name: stackName, props: render.outputs },
    ...render.resources.map((r) => ({
      type: r.type,
      name: r.name,
      props: r.state,
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      parent: r.parent ?? stackName,
    })),
  ];
  mutate?.(inputs);
  return inputs;
}

export interface StackFinding {
  message: string;
  /** `<type>::<name>` of the resource reported, if any. */
  resource?: string;
}

export function runStack(
  policy: DrPolicy,
  inputs: PolicyInput[],
  config: Record<string, unknown> = {},
): StackFinding[] {
  const urns = inputs.map((i) => urnOf(i));
  const labels = new Map(inputs.map((i, n) => [urns[n], `${i.type}::${i.name}`]));
  return runStackPolicy(asStack(policy), policyResources(inputs, urns), config).map(
    (f: Finding) => ({ message: f.message, resource: f.urn ? labels.get(f.urn) : undefined }),
  );
}

/** Finds the one input of a type (and name) in a stack, to change it in place. */
export function find(inputs: PolicyInput[], type: string, name?: string): PolicyInput {
  const found = inputs.filter((i) => i.type === type && (name === undefined || i.name === name));
  assert.equal(
    found.length,
    1,
    `expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`,
  );
  return found[0];
}
