import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const auroraDeletionProtection = resourcePolicy({
  name: "aurora-deletion-protection",
  description:
    "Aurora global and regional clusters have deletion protection. A deleted cluster takes its region's copy with it, and a deleted global cluster ends replication everywhere.",
  enforcementLevel: "mandatory",
  types: [T.auroraCluster, T.globalCluster],
  validate: ({ props }, _config, report) => {
    if (props.deletionProtection !== true) {
      report(
        `deletionProtection is ${shown(props.deletionProtection)}; set deletionProtection: true.`,
      );
    }
  },
});
