import { resourcePolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { T } from "../lib/types";

export const auroraStorageEncrypted = resourcePolicy({
  name: "aurora-storage-encrypted",
  description:
    "Aurora global and regional clusters are encrypted, regional clusters with a customer KMS key of their region. Encryption cannot be added later without rebuilding the global database, and an encrypted secondary cannot join without a key in its own region.",
  enforcementLevel: "mandatory",
  types: [T.auroraCluster, T.globalCluster],
  validate: ({ type, props }, _config, report) => {
    if (type === T.globalCluster) {
      // A global cluster built from an existing cluster inherits that cluster's encryption.
      if (props.storageEncrypted !== true && !str(props.sourceDbClusterIdentifier)) {
        report(
          `storageEncrypted is ${shown(props.storageEncrypted)}; set storageEncrypted: true on the GlobalCluster.`,
        );
      }
      return;
    }
    if (props.storageEncrypted !== true) {
      report(`storageEncrypted is ${shown(props.storageEncrypted)}; set storageEncrypted: true.`);
    } else if (!str(props.kmsKeyId)) {
      report(
        "kmsKeyId is not set; set it to the cell's KMS key in this region (an encrypted secondary cannot join the global cluster without one).",
      );
    }
  },
});
