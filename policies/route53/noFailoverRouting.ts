import { resourcePolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";
import { failoverRole, routingPolicy } from "./records";

export const route53NoFailoverRouting = resourcePolicy({
  name: "route53-no-failover-routing",
  description:
    "No record uses failover routing; the writer name is a weighted record set, one record per cell behind its writer check. Failover routing holds one PRIMARY and one SECONDARY per name: a third cell's record is a second SECONDARY, and the writer can never move to it.",
  enforcementLevel: "mandatory",
  types: [T.record],
  validate: ({ props }, _config, report) => {
    if (routingPolicy(props) !== "failover") return;
    report(
      `${str(props.name) ?? "this record"} uses failover routing (${failoverRole(props) ?? "no role"}); Route 53 holds one PRIMARY and one SECONDARY per name, so N cells cannot each have a role. Use weightedRoutingPolicies [{ weight: 100 }] with setIdentifier = the cell and the cell's writer check (docs/architecture.md: writer routing).`,
    );
  },
});
