import type { DrManifest } from "../manifest";
import { evaluatePack } from "../policies/evaluate";
import type { StackRender } from "./stack";
import type { PlanViolation } from "./summary";

/**
 * Runs the DR policy pack over a rendered stack, with the peers' manifests for parity, plus the
 * checks only a render can make: a resource constructed inside an `apply` is missing from
 * `pulumi preview` (callbacks do not run on unknown values), so reviewers never see it.
 */
export function evaluatePlanPolicies(render: StackRender, peers: DrManifest[]): PlanViolation[] {
  return [...evaluatePack(render, { peerManifests: peers }), ...renderViolations(render)];
}

export function renderViolations(render: Pick<StackRender, "resources">): PlanViolation[] {
  return render.resources
    .filter((r) => r.registeredInApply)
    .map((r) => ({
      policy: "no-resource-registered-in-apply",
      level: "mandatory" as const,
      resource: r.name,
      message:
        `${r.type} ${r.name} is constructed inside an apply callback, so 'pulumi preview' does ` +
        "not show it. Construct it from values known before the callback (config, a peer's " +
        "manifest read through its StackReference), passing Outputs as its inputs.",
    }));
}
