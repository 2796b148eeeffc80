import type { DrManifest } from "../manifest";
import { evaluatePack } from "../policies/evaluate";
import type { StackRender } from "./stack";
import type { PlanViolation } from "./summary";

/** Runs the DR policy pack over a rendered stack, with the peers' manifests for parity. */
export function evaluatePlanPolicies(render: StackRender, peers: DrManifest[]): PlanViolation[] {
  return evaluatePack(render, { peerManifests: peers });
}
