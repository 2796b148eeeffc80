import type { DrConfig } from "../../config";
import type { CellIdentity } from "../naming";
import type { EdgeArgs } from "./edge";

/**
 * The edge's args from the stack config, or undefined when this stack builds no edge: only the
 * home stack owns global objects, and `dr:edge.enabled: false` turns the edge off.
 */
export function edgeArgsFor(config: DrConfig, identity: CellIdentity): EdgeArgs | undefined {
  if (config.role !== "home" || !config.edge.enabled) return undefined;
  const e = config.edge;
  return {
    identity,
    hostedZoneId: config.dns.hostedZoneId,
    zoneName: config.dns.zoneName,
    name: e.name,
    serviceName: config.dns.serviceName,
    writerName: config.dns.writerName,
    writePathPatterns: e.writePathPatterns,
    certificateArn: e.certificateArn,
    priceClass: e.priceClass,
    minimumProtocolVersion: e.minimumProtocolVersion,
    rateLimitPer5Minutes: e.rateLimitPer5Minutes,
    originConnectionAttempts: e.originConnectionAttempts,
    originConnectionTimeoutSeconds: e.originConnectionTimeoutSeconds,
    shieldAdvanced: e.shieldAdvanced,
  };
}
