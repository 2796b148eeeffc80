import type {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import { formatPath, fromZodIssues, InputValidationError } from "../../validation/issues";

/*
 * Builders for the pack's policies. Every policy is a plain @pulumi/policy object, so the very
 * same object runs under the engine (`pulumi preview --policy-pack policies`) and under the
 * engine-less runner (`policies/run.ts`, used by `evaluatePack` and the tests). The builders
 * add what every DR policy needs: a type filter, strict and defaulted policy config with clear
 * errors, and synchronous validation (evaluatePack is synchronous).
 */

/** The levels this pack ships with; an operator may still set `disabled` or `remediate`. */
export type DrLevel = "advisory" | "mandatory";

export type DrPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as a resource policy sees it: the inputs the program gives it, and its options. */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts: { protect: boolean; ignoreChanges: string[] };
}

/** The stack as a stack policy sees it: every resource's outputs, with parents linked. */
export interface StackView {
  resources: PolicyResource[];
  ofType(...types: string[]): PolicyResource[];
  /** The stack outputs (props of the `pulumi:pulumi:Stack` resource), if the stack has any. */
  outputs(): Record<string, unknown> | undefined;
}

export type Report = (message: string) => void;
export type StackReport = (message: string, resource?: PolicyResource) => void;

const EMPTY = z.strictObject({});
type AnyConfig = z.ZodObject;

/** The zod schema of each policy's config, for `evaluatePack`'s up-front validation. */
const CONFIG_SCHEMAS = new WeakMap<object, AnyConfig>();
/** The resource types a resource policy applies to, so runners can skip the rest cheaply. */
const POLICY_TYPES = new WeakMap<object, readonly string[]>();

interface PolicyBase<C extends AnyConfig> {
  /** Kebab-case, unique in the pack. */
  name: string;
  /** What the policy checks and why it matters for DR: shown with every violation. */
  description: string;
  /** The default level; operators override it with `--policy-pack-config`. */
  enforcementLevel: DrLevel;
  /** The policy's settings, a strict zod object whose fields all have defaults. */
  config?: C;
}

export function resourcePolicy<C extends AnyConfig = typeof EMPTY>(
  def: PolicyBase<C> & {
    types: readonly string[];
    validate: (resource: ResourceView, config: z.output<C>, report: Report) => void;
  },
): ResourceValidationPolicy {
  const schema = (def.config ?? EMPTY) as C;
  const types = def.types;
  const validateResource: ResourceValidationPolicy["validateResource"] = (args, report) => {
    if (!types.includes(args.type)) {
      args.notApplicable(`Policy only applies to ${types.join(", ")}`);
    }
    const config = readPolicyConfig(def.name, schema, args.getConfig());
    const view: ResourceView = {
      type: args.type,
      name: args.name,
      urn: args.urn,
      props: args.props,
      opts: { protect: args.opts.protect, ignoreChanges: args.opts.ignoreChanges ?? [] },
    };
    def.validate(view, config, (message) => report(message));
  };
  // The engine skips a policy without calling it when the function carries a single type.
  if (types.length === 1) {
    (validateResource as unknown as { __pulumiType: string }).__pulumiType = types[0];
  }
  const policy: ResourceValidationPolicy = {
    name: def.name,
    description: def.description,
    enforcementLevel: def.enforcementLevel,
    configSchema: jsonSchemaOf(schema),
    validateResource,
  };
  CONFIG_SCHEMAS.set(policy, schema);
  POLICY_TYPES.set(policy, types);
  return policy;
}

export function stackPolicy<C extends AnyConfig = typeof EMPTY>(
  def: PolicyBase<C> & {
    validate: (
      stack: StackView,
      config: z.output<C>,
      report: StackReport,
      notApplicable: (reason: string) => never,
    ) => void;
  },
): StackValidationPolicy {
  const schema = (def.config ?? EMPTY) as C;
  const policy: StackValidationPolicy = {
    name: def.name,
    description: def.description,
    enforcementLevel: def.enforcementLevel,
    configSchema: jsonSchemaOf(schema),
    validateStack: (args, report) => {
      const config = readPolicyConfig(def.name, schema, args.getConfig());
      def.validate(
        stackView(args.resources),
        config,
        (message, resource) => report(message, resource?.urn),
        (reason) => args.notApplicable(reason),
      );
    },
  };
  CONFIG_SCHEMAS.set(policy, schema);
  return policy;
}

export const STACK_TYPE = "pulumi:pulumi:Stack";

function stackView(resources: PolicyResource[]): StackView {
  return {
    resources,
    ofType: (...types) => resources.filter((r) => types.includes(r.type)),
    outputs: () => resources.find((r) => r.type === STACK_TYPE)?.props,
  };
}

export function configSchemaOf(policy: DrPolicy): AnyConfig {
  return CONFIG_SCHEMAS.get(policy) ?? EMPTY;
}

/** The types a resource policy applies to; undefined for stack policies. */
export function typesOf(policy: DrPolicy): readonly string[] | undefined {
  return POLICY_TYPES.get(policy);
}

const parsedConfigs = new Map<string, unknown>();

/**
 * Validates and defaults one policy's config. Throws an InputValidationError whose keys are
 * the ones the operator wrote in `--policy-pack-config` (`aurora-backup-retention.minDays`).
 */
export function readPolicyConfig<C extends AnyConfig>(
  policyName: string,
  schema: C,
  raw: unknown,
): z.output<C> {
  const cacheKey = `${policyName}\u0000${JSON.stringify(raw ?? {})}`;
  if (parsedConfigs.has(cacheKey)) return parsedConfigs.get(cacheKey) as z.output<C>;
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw new InputValidationError(
      `Policy config of ${policyName}`,
      fromZodIssues(result.error.issues, (path) => formatPath(policyName, path)),
    );
  }
  if (parsedConfigs.size > 500) parsedConfigs.clear();
  parsedConfigs.set(cacheKey, result.data);
  return result.data;
}

/**
 * The JSON schema the engine shows and checks (`pulumi policy` and `--policy-pack-config`).
 * The zod schema stays the authority: the CLI does not reject unknown keys, the policy does.
 */
function jsonSchemaOf(schema: AnyConfig): PolicyConfigSchema | undefined {
  if (Object.keys(schema.shape).length === 0) return undefined;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: PolicyConfigSchema["properties"];
  };
  return { properties: json.properties ?? {} };
}
