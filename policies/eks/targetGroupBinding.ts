import { stackPolicy } from "../lib/policy";
import { at, physicalName, str } from "../lib/props";
import { LB } from "./workloadTypes";

export const eksTargetGroupBinding = stackPolicy({
  name: "eks-target-group-binding",
  description:
    "Every IP target group of the cell has a TargetGroupBinding that names it. Nothing else registers pods in an IP target group: without one the load balancer has no targets, every health check of the cell fails, and its latency record is unhealthy from the first deploy.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const ipGroups = stack.ofType(LB.targetGroup).filter((g) => g.props.targetType === "ip");
    if (ipGroups.length === 0) notApplicable("The stack has no IP target groups.");
    const bound = new Set(
      stack
        .ofType(LB.targetGroupBinding)
        .map((b) => str(at(b.props, "spec.targetGroupARN")))
        .filter((arn): arn is string => arn !== undefined),
    );
    for (const group of ipGroups) {
      const arn = str(group.props.arn);
      if (arn && bound.has(arn)) continue;
      report(
        `IP target group ${physicalName(group.props, group.name)} has no TargetGroupBinding; add one (elbv2.k8s.aws/v1beta1, spec.targetGroupARN ${arn ?? "<its ARN>"}, targetType ip) for the service that answers it, as CellCompute's workload does.`,
        group,
      );
    }
  },
});
