/** Type tokens of the cell's load balancing path (the policies/eks workload policies). */
export const LB = {
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  targetGroupBinding: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
} as const;
