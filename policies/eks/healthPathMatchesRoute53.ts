import { stackPolicy } from "../lib/policy";
import { at, physicalName, shown, str } from "../lib/props";
import { T } from "../lib/types";
import { LB } from "./workloadTypes";

const API_DOMAIN = "aws:apigateway/domainName:DomainName";

/** Route 53 checks that request a path (TCP and calculated checks have none). */
const PATH_CHECK_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"];

export const eksHealthPathMatchesRoute53 = stackPolicy({
  name: "eks-health-path-matches-route53",
  description:
    "The cell's Route 53 endpoint checks request the path its IP target groups check on the pods. Route 53 reaches the pods through the load balancer: a path the pods do not answer fails the check of a cell that serves, and DNS fails over from a healthy region.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const groups = stack.ofType(LB.targetGroup).filter((g) => g.props.targetType === "ip");
    // A check on an API Gateway custom domain (components/api) reaches API Gateway, not the pods.
    const apiDomains = new Set(stack.ofType(API_DOMAIN).map((d) => str(d.props.domainName)));
    const checks = stack
      .ofType(T.healthCheck)
      .filter((c) => PATH_CHECK_TYPES.includes(String(c.props.type)))
      .filter((c) => !apiDomains.has(str(c.props.fqdn)));
    if (groups.length === 0 || checks.length === 0) {
      notApplicable("The stack has no IP target group or no Route 53 check that requests a path.");
    }
    const paths = new Map(groups.map((g) => [g, str(at(g.props, "healthCheck.path")) ?? "/"]));
    const answered = new Set(paths.values());
    for (const check of checks) {
      const path = str(check.props.resourcePath) ?? "/";
      if (answered.has(path)) continue;
      const [group, groupPath] = [...paths][0];
      report(
        `Route 53 check ${physicalName(check.props, check.name)} requests ${shown(path)} but target group ${physicalName(group.props, group.name)} checks the pods on ${shown(groupPath)}; set dr:dns.healthCheckPath once, and the cell passes it to both.`,
        check,
      );
    }
  },
});
