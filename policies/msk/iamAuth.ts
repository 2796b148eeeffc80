import { resourcePolicy } from "../lib/policy";
import { at, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskIamAuth = resourcePolicy({
  name: "msk-iam-auth",
  description:
    "MSK clusters use IAM client authentication and refuse unauthenticated clients. MSK Replicator only connects to clusters with IAM access control, so without it nothing replicates to the peer region.",
  enforcementLevel: "mandatory",
  types: [T.mskCluster],
  validate: ({ props }, _config, report) => {
    const iam = at(props, "clientAuthentication.sasl.iam");
    if (iam !== true) {
      report(
        `clientAuthentication.sasl.iam is ${shown(iam)}; set clientAuthentication: { sasl: { iam: true } }.`,
      );
    }
    if (at(props, "clientAuthentication.unauthenticated") === true) {
      report("clientAuthentication.unauthenticated is true; set it to false.");
    }
  },
});
