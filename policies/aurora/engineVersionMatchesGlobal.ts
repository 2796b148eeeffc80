import { stackPolicy } from "../lib/policy";
import { physicalName, shown, str } from "../lib/props";
import { T } from "../lib/types";
import { globalClustersById } from "./globalOwnership";

export const auroraEngineVersionMatchesGlobal = stackPolicy({
  name: "aurora-engine-version-matches-global",
  description:
    "Aurora clusters run the same engine and engine version as their global cluster. Switchover refuses mismatched members, and a member on another version cannot be promoted cleanly. (Across stacks, peer-cell-parity compares versions.)",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const globals = globalClustersById(stack);
    for (const cluster of stack.ofType(T.auroraCluster)) {
      const globalId = str(cluster.props.globalClusterIdentifier);
      const global = globalId ? globals.get(globalId) : undefined;
      if (!global) continue;
      const name = physicalName(cluster.props, cluster.name);
      for (const key of ["engine", "engineVersion"]) {
        const want = str(global.props[key]);
        const have = str(cluster.props[key]);
        if (want && have !== want) {
          report(
            `Cluster ${name} has ${key} ${shown(cluster.props[key])} but its global cluster ${globalId} has ${shown(want)}; set ${key}: ${shown(want)} on the cluster.`,
            cluster,
          );
        }
      }
    }
  },
});
