import { resourcePolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";
import { routingPolicy } from "./records";

export const route53WeightedRecordHealthCheck = resourcePolicy({
  name: "route53-weighted-record-health-check",
  description:
    "Weighted records have a healthCheckId. Route 53 treats a weighted record without a health check as always healthy, so a cell whose writer gates are closed keeps its share of writer traffic and two cells take writes.",
  enforcementLevel: "mandatory",
  types: [T.record],
  validate: ({ props }, _config, report) => {
    if (routingPolicy(props) !== "weighted" || str(props.healthCheckId)) return;
    report(
      `the weighted record ${str(props.name) ?? ""} (setIdentifier ${str(props.setIdentifier) ?? "not set"}) has no healthCheckId; attach the cell's writer check (the CALCULATED gate quorum), not an alias's evaluateTargetHealth, which follows the load balancer and not the gates.`,
    );
  },
});
