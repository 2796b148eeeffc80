import { resourcePolicy } from "../lib/policy";
import { at, str } from "../lib/props";
import { T } from "../lib/types";

export const mskEncryptionAtRest = resourcePolicy({
  name: "msk-encryption-at-rest",
  description:
    "MSK clusters encrypt data at rest with the cell's customer-managed KMS key. The key cannot be changed after creation, so getting it wrong means rebuilding the cluster and re-replicating every topic.",
  enforcementLevel: "advisory",
  types: [T.mskCluster],
  validate: ({ props }, _config, report) => {
    if (!str(at(props, "encryptionInfo.encryptionAtRestKmsKeyArn"))) {
      report(
        "encryptionInfo.encryptionAtRestKmsKeyArn is not set, so MSK uses the AWS-managed key; set it to the cell's KMS key.",
      );
    }
  },
});
