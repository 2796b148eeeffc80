/*
 * The AWS Load Balancer Controller's identity: an EKS Pod Identity role that only the
 * controller's service account in this cell's cluster can assume, allowed only what a
 * TargetGroupBinding of IP targets needs.
 *
 * Left out of AWS's reference policy (docs/install/iam_policy.json of
 * kubernetes-sigs/aws-load-balancer-controller), on purpose: every create/modify/delete of load
 * balancers, listeners, rules, target groups and security groups, tagging, WAF, Shield, ACM,
 * Cognito and iam:CreateServiceLinkedRole. Those serve Ingress and Service-type LoadBalancer
 * objects, which this platform does not use: the ALB, its listeners and the target group are
 * Pulumi's, so that their names, DNS name and ARN suffixes stay fixed for Route 53 and alarms.
 * The controller is installed with its Ingress class and Service webhook turned off to match.
 */

export const CONTROLLER_NAMESPACE = "kube-system";
export const CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/** EKS Pod Identity assumes the role with these session tags; the trust policy pins them. */
export function controllerTrustPolicy(clusterArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LoadBalancerControllerOfThisCluster",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-arn": clusterArn,
            "aws:RequestTag/kubernetes-namespace": CONTROLLER_NAMESPACE,
            "aws:RequestTag/kubernetes-service-account": CONTROLLER_SERVICE_ACCOUNT,
          },
        },
      },
    ],
  });
}

/**
 * What the controller calls for a TargetGroupBinding of IP targets without `networking`
 * (Pulumi owns the security group rule from the ALB to the pods):
 *   - elasticloadbalancing:DescribeTargetGroups: the binding's webhooks read the group's
 *     target type, VPC and IP address type;
 *   - elasticloadbalancing:DescribeTargetHealth: the registered targets and their health,
 *     which also drives the pods' readiness gates;
 *   - ec2:DescribeVpcs: whether a pod IP lies inside the VPC (else it registers with AZ "all");
 *   - ec2:DescribeSecurityGroups: the networking reconciler lists the cluster's security groups
 *     on every pass, even with no rules to manage;
 *   - Register/DeregisterTargets on this one target group only (the reference policy allows
 *     every target group in every account the role can reach).
 * Describe* calls support no resource-level permissions, hence "*" there.
 */
export function controllerPolicy(targetGroupArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTargetGroupsAndVpc",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
          "ec2:DescribeVpcs",
          "ec2:DescribeSecurityGroups",
        ],
        Resource: "*",
      },
      {
        Sid: "RegisterPodsInTheCellTargetGroup",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: targetGroupArn,
      },
    ],
  });
}
