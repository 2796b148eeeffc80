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

export type RoutingPolicy =
  | "simple"
  | "weighted"
  | "failover"
  | "latency"
  | "geolocation"
  | "geoproximity"
  | "cidr"
  | "multivalue";

/** Every routing policy a record sets (Route 53 accepts one; a bad program may set several). */
export function routingPolicies(props: Props): RoutingPolicy[] {
  const found: RoutingPolicy[] = [];
  if (list(props.weightedRoutingPolicies).length > 0) found.push("weighted");
  if (list(props.failoverRoutingPolicies).length > 0) found.push("failover");
  if (list(props.latencyRoutingPolicies).length > 0) found.push("latency");
  if (list(props.geolocationRoutingPolicies).length > 0) found.push("geolocation");
  if (list(props.geoproximityRoutingPolicy).length > 0) found.push("geoproximity");
  if (list(props.cidrRoutingPolicy).length > 0) found.push("cidr");
  if (props.multivalueAnswerRoutingPolicy === true) found.push("multivalue");
  return found;
}

/** The record's routing policy; "simple" when it sets none. */
export function routingPolicy(props: Props): RoutingPolicy {
  return routingPolicies(props)[0] ?? "simple";
}

/** The weight of a weighted record, if it has one. */
export function weightOf(props: Props): unknown {
  return at(list(props.weightedRoutingPolicies)[0], "weight");
}

/** Records whose answer depends on a routing decision (their TTL delays that decision). */
export function isRouted(props: Props): boolean {
  return isHealthChecked(props) || routingPolicy(props) !== "simple";
}
