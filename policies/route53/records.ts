import type { Props } from "../lib/props";
import { at, list, str } from "../lib/props";

/** Whether Route 53 stops answering with this record when its target is unhealthy. */
export function isHealthChecked(props: Props): boolean {
  if (str(props.healthCheckId)) return true;
  return list(props.aliases).some((a) => at(a, "evaluateTargetHealth") === true);
}

export function failoverRole(props: Props): string | undefined {
  return str(at(list(props.failoverRoutingPolicies)[0], "type"));
}

export function isLatencyRecord(props: Props): boolean {
  return list(props.latencyRoutingPolicies).length > 0;
}
