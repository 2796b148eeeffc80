import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { num, str } from "../lib/props";
import { T } from "../lib/types";
import { isRouted } from "./records";

export const route53HealthCheckedTtl = resourcePolicy({
  name: "route53-health-checked-ttl",
  description:
    "Health-checked and routed (weighted, latency, failover) records have a TTL of at most 60 s (configurable). Resolvers keep serving the failed region's answer for up to one TTL after Route 53 flips the record; the TTL is part of the RTO budget.",
  enforcementLevel: "mandatory",
  types: [T.record],
  config: z.strictObject({
    maxTtlSeconds: z
      .number({ error: "must be a whole number of seconds from 0 to 86400." })
      .int({ error: "must be a whole number of seconds from 0 to 86400." })
      .min(0, { error: "must be 0 or more." })
      .max(86400, { error: "must be at most 86400." })
      .default(60)
      .describe("Largest TTL allowed on a health-checked or routed record."),
  }),
  validate: ({ props }, { maxTtlSeconds }, report) => {
    const routed = isRouted(props);
    const ttl = num(props.ttl);
    if (!routed || ttl === undefined) return;
    if (ttl > maxTtlSeconds) {
      report(
        `ttl is ${ttl} s on a health-checked record ${str(props.name) ?? ""}; set ttl to ${maxTtlSeconds} or less.`,
      );
    }
  },
});
