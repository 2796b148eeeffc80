import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { num, shown } from "../lib/props";
import { T } from "../lib/types";

/** Health checks that probe an endpoint on an interval (the others follow alarms or children). */
export const ENDPOINT_CHECK_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];

/** Route 53's detection time: `failureThreshold` failed probes, one per `requestInterval`. */
export function detectionSeconds(props: Record<string, unknown>): number {
  // AWS defaults: 30 s interval, threshold 3.
  return (num(props.requestInterval) ?? 30) * (num(props.failureThreshold) ?? 3);
}

export const route53HealthCheckDetection = resourcePolicy({
  name: "route53-health-check-detection",
  description:
    "Endpoint health checks detect a failure within the RTO budget: request interval x failure threshold <= 60 s by default (10 s x 3 is 30 s). Detection is the first term of the RTO budget; AWS's defaults (30 s x 3) take 90 s.",
  enforcementLevel: "mandatory",
  types: [T.healthCheck],
  config: z.strictObject({
    maxDetectionSeconds: z
      .number({ error: "must be a whole number of seconds from 10 to 300." })
      .int({ error: "must be a whole number of seconds from 10 to 300." })
      .min(10, { error: "must be at least 10 (Route 53's fastest check is 10 s x 1)." })
      .max(300, { error: "must be at most 300 (30 s x 10, Route 53's slowest)." })
      .default(60)
      .describe("Largest requestInterval x failureThreshold allowed."),
  }),
  validate: ({ props }, { maxDetectionSeconds }, report) => {
    if (!ENDPOINT_CHECK_TYPES.includes(String(props.type))) return;
    const detection = detectionSeconds(props);
    if (detection > maxDetectionSeconds) {
      report(
        `requestInterval ${shown(props.requestInterval)} x failureThreshold ${shown(props.failureThreshold)} detects a failure in ${detection} s, over ${maxDetectionSeconds} s; use requestInterval: 10 and a failureThreshold of ${Math.max(1, Math.floor(maxDetectionSeconds / 10))} or less.`,
      );
    }
  },
});
