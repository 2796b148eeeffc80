import { stackPolicy } from "../lib/policy";
import { physicalName, str } from "../lib/props";
import { T } from "../lib/types";
import { globalClustersById } from "./globalOwnership";

/*
 * Which cluster is a secondary is a fact about the stack, not the resource: a cluster whose
 * global cluster this stack does not create joins one created elsewhere. The check looks at
 * credential settings only a program can set; `masterUsername` is left out on purpose because
 * AWS reports it in every member's state after the join.
 */
const CREDENTIAL_KEYS = [
  "masterPassword",
  "masterPasswordWo",
  "manageMasterUserPassword",
  "masterUserSecretKmsKeyId",
];

export const auroraSecondaryNoMasterCredentials = stackPolicy({
  name: "aurora-secondary-no-master-credentials",
  description:
    "Aurora clusters that join a global cluster created by another stack set no master credentials. AWS refuses to create such a secondary, and a password managed in the joining region diverges from the global cluster's after a failover.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const owned = globalClustersById(stack);
    for (const cluster of stack.ofType(T.auroraCluster)) {
      const globalId = str(cluster.props.globalClusterIdentifier);
      if (!globalId || owned.has(globalId)) continue;
      const set = CREDENTIAL_KEYS.filter((k) => {
        const v = cluster.props[k];
        return v !== undefined && v !== null && v !== false && v !== "";
      });
      if (set.length > 0) {
        report(
          `Cluster ${physicalName(cluster.props, cluster.name)} joins global cluster ${globalId} (created by another stack) but sets ${set.join(", ")}; remove them: a secondary takes its credentials from the global cluster.`,
          cluster,
        );
      }
    }
  },
});
