import { resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";
import { failoverRole, isHealthChecked } from "./records";

export const route53PrimaryFailoverHealthCheck = resourcePolicy({
  name: "route53-primary-failover-health-check",
  description:
    "A PRIMARY failover record always has a health check. Route 53 treats a PRIMARY without one as always healthy, so writers are never sent to the SECONDARY and the failover never happens.",
  enforcementLevel: "mandatory",
  types: [T.record],
  validate: ({ props }, _config, report) => {
    if (failoverRole(props) === "PRIMARY" && !isHealthChecked(props)) {
      report(
        "this PRIMARY failover record has no healthCheckId; attach the cell's writer health check (the calculated check that includes the traffic switch).",
      );
    }
  },
});
