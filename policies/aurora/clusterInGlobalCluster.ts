import { resourcePolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";

export const auroraClusterInGlobalCluster = resourcePolicy({
  name: "aurora-cluster-in-global-cluster",
  description:
    "Every Aurora cluster in a cell is a member of an Aurora global database. A regional cluster outside it has no copy in the peer region: a region loss loses its data and there is nothing to promote.",
  enforcementLevel: "mandatory",
  types: [T.auroraCluster],
  validate: ({ props }, _config, report) => {
    if (!str(props.globalClusterIdentifier)) {
      report(
        "globalClusterIdentifier is not set; create the cluster as a member of the cell's aws.rds.GlobalCluster (home) or join it (other cells).",
      );
    }
  },
});
