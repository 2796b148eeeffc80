import { resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";
import { isHealthChecked, isLatencyRecord } from "./records";

export const route53LatencyRecordHealthCheck = resourcePolicy({
  name: "route53-latency-record-health-check",
  description:
    "Latency records have a health check. Without one Route 53 keeps sending the clients nearest a failed region to it, which is an outage for them however healthy the other cells are.",
  enforcementLevel: "mandatory",
  types: [T.record],
  validate: ({ props }, _config, report) => {
    if (isLatencyRecord(props) && !isHealthChecked(props)) {
      report(
        "this latency record has no healthCheckId; attach the cell's HTTPS health check (or use an alias with evaluateTargetHealth: true).",
      );
    }
  },
});
