import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { DrPolicy } from "./lib/policy";
import { typesOf } from "./lib/policy";

/*
 * Runs the pack's policy objects without the engine: the harness the tests use and the core of
 * evaluatePack. It builds the same argument objects the analyzer server builds (including an
 * `isType` that honours its argument, unlike the public harnesses) and requires validation to
 * be synchronous, which every policy in this pack is.
 */

/** A resource handed to a policy: a fixture in tests, a rendered resource in the plan. */
export interface PolicyInput {
  type: string;
  name: string;
  /** Inputs for resource policies, outputs (state) for stack policies, as under the engine. */
  props: Record<string, unknown>;
  protect?: boolean;
  ignoreChanges?: string[];
  /** Name of the parent resource, if any. */
  parent?: string;
  /** Defaults to a URN built from the type and name. */
  urn?: string;
}

export interface Finding {
  message: string;
  /** URN of the resource the violation is about; undefined for the stack as a whole. */
  urn?: string;
}

class NotApplicable extends Error {}

export function urnOf(
  input: Pick<PolicyInput, "type" | "name" | "urn">,
  stack = "stack",
  project = "dr",
): string {
  return input.urn ?? `urn:pulumi:${stack}::${project}::${input.type}::${input.name}`;
}

function optionsOf(input: PolicyInput): PolicyResourceOptions {
  return {
    protect: input.protect ?? false,
    ignoreChanges: input.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

function pulumiTypeOf(cls: unknown): string | undefined {
  const t = (cls as { __pulumiType?: unknown }).__pulumiType;
  return typeof t === "string" ? t : undefined;
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function mustBeSync(result: unknown, policy: string): void {
  if (result && typeof (result as Promise<void>).then === "function") {
    throw new Error(
      `Policy ${policy} returned a promise; policies in this pack must be synchronous.`,
    );
  }
}

/** Whether a resource policy could apply to a type (cheap pre-filter; the policy decides). */
export function appliesTo(policy: DrPolicy, type: string): boolean {
  const types = typesOf(policy);
  return types === undefined || types.includes(type);
}

/** Runs one resource policy on one resource; returns the violation messages (none = pass). */
export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  input: PolicyInput,
  config: Record<string, unknown> = {},
  urn = urnOf(input),
): string[] {
  const messages: string[] = [];
  const report: ReportViolation = (message) => messages.push(message);
  const args: ResourceValidationArgs = {
    type: input.type,
    props: input.props,
    urn,
    name: input.name,
    opts: optionsOf(input),
    stackTags: new Map(),
    isType: (cls) => pulumiTypeOf(cls) === input.type,
    asType: ((cls: unknown) =>
      pulumiTypeOf(cls) === input.type
        ? input.props
        : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validate of validations) {
    try {
      mustBeSync(validate(args, report), policy.name);
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return messages;
}

/** Links inputs into the PolicyResource graph a stack policy receives. */
export function policyResources(inputs: PolicyInput[], urns: string[]): PolicyResource[] {
  const resources: PolicyResource[] = inputs.map((input, i) => ({
    type: input.type,
    props: input.props,
    urn: urns[i],
    name: input.name,
    opts: optionsOf(input),
    dependencies: [],
    propertyDependencies: {},
    isType: (cls) => pulumiTypeOf(cls) === input.type,
    asType: ((cls: unknown) =>
      pulumiTypeOf(cls) === input.type ? input.props : undefined) as PolicyResource["asType"],
  }));
  const byName = new Map<string, PolicyResource>();
  resources.forEach((r) => {
    if (!byName.has(r.name)) byName.set(r.name, r);
  });
  inputs.forEach((input, i) => {
    if (input.parent) resources[i].parent = byName.get(input.parent);
  });
  return resources;
}

/** Runs one stack policy over a whole stack. Returns [] when the policy does not apply. */
export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  config: Record<string, unknown> = {},
): Finding[] {
  const findings: Finding[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  try {
    mustBeSync(
      policy.validateStack(args, (message, urn) => findings.push({ message, urn })),
      policy.name,
    );
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
    return [];
  }
  return findings;
}
