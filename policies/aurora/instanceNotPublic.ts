import { resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";

export const auroraInstanceNotPublic = resourcePolicy({
  name: "aurora-instance-not-public",
  description:
    "Aurora instances are not publicly accessible. A database reachable from the internet can be read or destroyed from anywhere, and replication copies the damage to every region.",
  enforcementLevel: "mandatory",
  types: [T.auroraInstance],
  validate: ({ props }, _config, report) => {
    if (props.publiclyAccessible === true) {
      report("publiclyAccessible is true; remove it or set publiclyAccessible: false.");
    }
  },
});
