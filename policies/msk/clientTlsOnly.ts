import { resourcePolicy } from "../lib/policy";
import { at, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskClientTlsOnly = resourcePolicy({
  name: "msk-client-tls-only",
  description:
    "MSK clusters accept TLS-only client traffic and encrypt traffic between brokers. MSK Replicator connects with IAM, which needs TLS; a plaintext listener also lets clients bypass IAM.",
  enforcementLevel: "mandatory",
  types: [T.mskCluster],
  validate: ({ props }, _config, report) => {
    // AWS's default for clientBroker is TLS and for inCluster is true.
    const clientBroker = at(props, "encryptionInfo.encryptionInTransit.clientBroker") ?? "TLS";
    if (clientBroker !== "TLS") {
      report(
        `encryptionInfo.encryptionInTransit.clientBroker is ${shown(clientBroker)}; set it to "TLS".`,
      );
    }
    const inCluster = at(props, "encryptionInfo.encryptionInTransit.inCluster");
    if (inCluster === false) {
      report("encryptionInfo.encryptionInTransit.inCluster is false; set it to true.");
    }
  },
});
