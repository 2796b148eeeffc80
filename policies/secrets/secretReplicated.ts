import { resourcePolicy } from "../lib/policy";
import { at, list, str } from "../lib/props";
import { T } from "../lib/types";

export const secretReplicated = resourcePolicy({
  name: "secret-replicated",
  description:
    "Secrets Manager secrets are replicated to the peer regions. After a failover the promoted cell reads its database and service credentials from its own region; a secret that lives only in the failed region stops the recovery.",
  enforcementLevel: "mandatory",
  types: [T.secret],
  validate: ({ props }, _config, report) => {
    const replicas = list(props.replicas);
    if (replicas.length === 0) {
      report(
        "replicas is empty; add { region: <peer region>, kmsKeyId: <its replica key> } for each peer cell.",
      );
    }
    replicas.forEach((r, i) => {
      if (!str(at(r, "region"))) report(`replicas[${i}].region is not set; name the peer region.`);
    });
  },
});
