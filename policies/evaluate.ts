import type { EnforcementLevel } from "@pulumi/policy";
import type { DrManifest } from "../manifest";
import type { Render } from "../plan/render";
import { InputIssue, InputValidationError } from "../validation/issues";
import { configSchemaOf, DrPolicy, readPolicyConfig, STACK_TYPE } from "./lib/policy";
import { isObject } from "./lib/props";
import { DR_POLICIES, PACK_NAME } from "./pack";
import {
  appliesTo,
  PolicyInput,
  policyResources,
  runResourcePolicy,
  runStackPolicy,
  urnOf,
} from "./run";
import { DEPLOYMENT_WRITER_POLICY } from "./stack/deploymentWriterRouting";
import { closestName } from "../validation/spelling";
import { PEER_PARITY_POLICY } from "./stack/peerCellParity";

/** One policy violation, as the offline plan prints it and `--json` emits it. */
export interface Violation {
  policy: string;
  level: "advisory" | "mandatory";
  message: string;
  /** `<type>::<name>` of the resource at fault; undefined for the stack as a whole. */
  resource?: string;
}

export interface EvaluateOptions {
  /**
   * The peer cells' DR manifests (from their offline renders); feeds peer-cell-parity and
   * dr-deployment-writer-routing.
   */
  peerManifests: DrManifest[];
  /**
   * Policy pack config in the shape of `--policy-pack-config`: `{ "<policy>": "<level>" |
   * { enforcementLevel?, ...settings }, "all"?: "<level>" }`. Validated up front.
   */
  config?: unknown;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PackConfig {
  levels: Map<string, EnforcementLevel>;
  settings: Map<string, Record<string, unknown>>;
  all?: EnforcementLevel;
}

/**
 * Validates a policy pack config the way the pack would meet it under the engine, but all at
 * once: unknown policies, bad levels and bad settings are reported together, each with its key.
 */
export function parsePackConfig(raw: unknown, policies: DrPolicy[] = DR_POLICIES): PackConfig {
  const config: PackConfig = { levels: new Map(), settings: new Map() };
  if (raw === undefined || raw === null) return config;
  if (!isObject(raw)) {
    throw new InputValidationError("Policy pack config", [
      {
        key: "<root>",
        message: "must be an object keyed by policy name, as in --policy-pack-config.",
      },
    ]);
  }
  const byName = new Map(policies.map((p) => [p.name, p]));
  const issues: InputIssue[] = [];
  const level = (key: string, value: unknown): EnforcementLevel | undefined => {
    if (LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
    issues.push({
      key,
      message: `must be one of ${LEVELS.join(", ")} (got ${JSON.stringify(value)}).`,
    });
    return undefined;
  };
  for (const [name, value] of Object.entries(raw)) {
    if (name === "all") {
      const v = isObject(value) ? value.enforcementLevel : value;
      config.all = level(isObject(value) ? "all.enforcementLevel" : "all", v);
      continue;
    }
    const policy = byName.get(name);
    if (!policy) {
      const hint = closest(name, [...byName.keys()]);
      issues.push({
        key: name,
        message: `is not a policy in ${PACK_NAME}${hint ? `; did you mean ${hint}?` : ""} (see docs/policies.md).`,
      });
      continue;
    }
    if (typeof value === "string") {
      const l = level(name, value);
      if (l) config.levels.set(name, l);
      continue;
    }
    if (!isObject(value)) {
      issues.push({ key: name, message: "must be an enforcement level or an object of settings." });
      continue;
    }
    const { enforcementLevel, ...settings } = value;
    if (enforcementLevel !== undefined) {
      const l = level(`${name}.enforcementLevel`, enforcementLevel);
      if (l) config.levels.set(name, l);
    }
    try {
      readPolicyConfig(name, configSchemaOf(policy), settings);
      config.settings.set(name, settings);
    } catch (e) {
      if (!(e instanceof InputValidationError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new InputValidationError("Policy pack config", issues);
  return config;
}

/**
 * Evaluates every policy of the pack over an offline render: resource policies over each
 * resource's inputs (as `Analyze` sees them), stack policies over the outputs plus the stack's
 * own outputs (as `AnalyzeStack` sees them). The policy objects are the ones index.ts serves.
 */
export function evaluatePack(render: Render, opts: EvaluateOptions): Violation[] {
  const config = parsePackConfig(opts.config);
  const stackName = `${render.project}-${render.stack}`;
  const label = (type: string, name: string) => `${type}::${name}`;

  const asInput = (
    r: Render["resources"][number],
    props: Record<string, unknown>,
  ): PolicyInput => ({
    type: r.type,
    name: r.name,
    props,
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    parent: r.parent ?? stackName,
  });
  const resourceInputs = render.resources.map((r) => asInput(r, r.inputs));
  const stackInputs: PolicyInput[] = [
    { type: STACK_TYPE, name: stackName, props: render.outputs },
    ...render.resources.map((r) =>
      asInput(r, r.custom || Object.keys(r.state).length > 0 ? r.state : r.inputs),
    ),
  ];
  const urns = stackInputs.map((i) => urnOf(i, render.stack, render.project));
  const labels = new Map(stackInputs.map((i, n) => [urns[n], label(i.type, i.name)]));
  const stackResources = policyResources(stackInputs, urns);

  const violations: Violation[] = [];
  for (const policy of DR_POLICIES) {
    const chosen =
      config.levels.get(policy.name) ?? config.all ?? policy.enforcementLevel ?? "advisory";
    if (chosen === "disabled") continue;
    const level = chosen === "advisory" ? "advisory" : "mandatory";
    let settings = config.settings.get(policy.name) ?? {};
    const takesPeers = [PEER_PARITY_POLICY, DEPLOYMENT_WRITER_POLICY].includes(policy.name);
    if (takesPeers && opts.peerManifests.length > 0) {
      const inline = Array.isArray(settings.peerManifests) ? settings.peerManifests : [];
      settings = { ...settings, peerManifests: [...inline, ...opts.peerManifests] };
    }
    if ("validateStack" in policy) {
      for (const f of runStackPolicy(policy, stackResources, settings)) {
        violations.push({
          policy: policy.name,
          level,
          message: f.message,
          resource: f.urn ? labels.get(f.urn) : undefined,
        });
      }
      continue;
    }
    for (const input of resourceInputs) {
      if (!appliesTo(policy, input.type)) continue;
      const urn = urnOf(input, render.stack, render.project);
      for (const message of runResourcePolicy(policy, input, settings, urn)) {
        violations.push({
          policy: policy.name,
          level,
          message,
          resource: label(input.type, input.name),
        });
      }
    }
  }
  return violations;
}

/** True when any violation blocks: what makes the offline plan exit non-zero. */
export function hasMandatory(violations: Violation[]): boolean {
  return violations.some((v) => v.level === "mandatory");
}

/** The nearest policy name within a small edit distance, for "did you mean". */
function closest(name: string, names: string[]): string | undefined {
  return closestName(name, names, Math.max(3, Math.floor(name.length / 4)));
}

export { DR_POLICIES, PACK_NAME };
