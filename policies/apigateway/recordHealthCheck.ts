import { stackPolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";
import { routingPolicies } from "../route53/records";
import { API_T } from "./types";

export const apigatewayRecordHealthCheck = stackPolicy({
  name: "apigateway-record-health-check",
  description:
    "Every latency or weighted Route 53 record on an API Gateway custom domain name has a health check. Without one Route 53 keeps answering a cell whose API is down (latency), or moves writes without the failover commands (weighted).",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const domains = new Set(stack.ofType(API_T.domainName).map((d) => str(d.props.domainName)));
    if (domains.size === 0) notApplicable("The stack has no API Gateway custom domain.");
    for (const r of stack.ofType(T.record)) {
      const name = str(r.props.name);
      if (!domains.has(name)) continue;
      const routing = routingPolicies(r.props);
      // The cell's own name (simple routing) is what the check requests; it routes nowhere else.
      if (routing.length === 0) continue;
      if (!str(r.props.healthCheckId)) {
        report(
          `The ${routing.join("/")} record ${name} has no healthCheckId; attach the cell's API check (latency) or the cell's writer check (weighted writer API name).`,
          r,
        );
      }
    }
  },
});
