import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of the network (awsx VPC), EKS and the load balancer. */
export const NETWORK_COMPUTE_OUTPUTS: Record<string, OutputsFor> = {
  "aws:lb/loadBalancer:LoadBalancer": (r) => ({
    arn: `arn:aws:elasticloadbalancing:${r.region}:${MOCK_ACCOUNT_ID}:loadbalancer/app/${physicalName(r)}/${stableHex(r.name, 16)}`,
    dnsName: `${physicalName(r)}-${stableHex(r.name, 9)}.${r.region}.elb.amazonaws.com`,
    zoneId: r.region === "us-east-1" ? "Z35SXDOTRQ7X7K" : "Z32O12XQLNTSW2",
  }),
};
