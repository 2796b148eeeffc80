import { resourcePolicy } from "../lib/policy";
import { at, shown } from "../lib/props";
import { T } from "../lib/types";

export const eksPrivateEndpoint = resourcePolicy({
  name: "eks-private-endpoint",
  description:
    "EKS clusters enable private API endpoint access. Nodes then reach the control plane inside the VPC, and failover tooling running in the cell does not depend on the internet path.",
  enforcementLevel: "advisory",
  types: [T.eksCluster, T.eksComponent],
  validate: ({ type, props }, _config, report) => {
    const key = type === T.eksCluster ? "vpcConfig.endpointPrivateAccess" : "endpointPrivateAccess";
    const value = at(props, key);
    if (value !== true) report(`${key} is ${shown(value)}; set it to true.`);
  },
});
