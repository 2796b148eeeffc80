import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { list } from "../lib/props";
import { T } from "../lib/types";

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const eksControlPlaneLogging = resourcePolicy({
  name: "eks-control-plane-logging",
  description:
    "EKS clusters send control-plane logs (api, audit, authenticator by default) to CloudWatch. A failover drill or a real failover is reconstructed from them: who scaled what, and when the cell took traffic.",
  enforcementLevel: "advisory",
  // eks:index:Cluster is a remote component: its inputs are visible to the offline plan; under
  // the engine its aws:eks/cluster:Cluster child is checked.
  types: [T.eksCluster, T.eksComponent],
  config: z.strictObject({
    requiredLogTypes: z
      .array(z.enum(LOG_TYPES, { error: `must be one of ${LOG_TYPES.join(", ")}.` }), {
        error: "must be a list of EKS log types.",
      })
      .default(["api", "audit", "authenticator"])
      .describe("Control-plane log types that must be enabled."),
  }),
  validate: ({ props }, { requiredLogTypes }, report) => {
    const enabled = new Set(list(props.enabledClusterLogTypes).map(String));
    const missing = requiredLogTypes.filter((t) => !enabled.has(t));
    if (missing.length > 0) {
      report(`enabledClusterLogTypes lacks ${missing.join(", ")}; add them.`);
    }
  },
});
