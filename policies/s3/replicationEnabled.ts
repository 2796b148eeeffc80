import { resourcePolicy } from "../lib/policy";
import { at, list, shown, str } from "../lib/props";
import { T } from "../lib/types";

export const s3ReplicationEnabled = resourcePolicy({
  name: "s3-replication-enabled",
  description:
    "S3 replication configurations have at least one rule, every rule Enabled with a destination bucket, and KMS-encrypted objects opted in when the destination uses a KMS key. A disabled rule, or SSE-KMS objects left out, replicates nothing and fails silently.",
  enforcementLevel: "mandatory",
  types: [T.bucketReplication],
  validate: ({ props }, _config, report) => {
    const rules = list(props.rules);
    if (rules.length === 0) {
      report(
        'rules is empty; add a rule with status: "Enabled" and the peer bucket as destination.',
      );
    }
    rules.forEach((rule, i) => {
      const key = `rules[${i}]`;
      if (at(rule, "status") !== "Enabled") {
        report(`${key}.status is ${shown(at(rule, "status"))}; set it to "Enabled".`);
      }
      if (!str(at(rule, "destination.bucket"))) {
        report(`${key}.destination.bucket is not set; set it to the peer bucket's ARN.`);
      }
      const replicaKey = str(at(rule, "destination.encryptionConfiguration.replicaKmsKeyId"));
      const sseKms = at(rule, "sourceSelectionCriteria.sseKmsEncryptedObjects.status");
      if (replicaKey && sseKms !== "Enabled") {
        report(
          `${key}.sourceSelectionCriteria.sseKmsEncryptedObjects.status is ${shown(sseKms)}; set it to "Enabled" or S3 skips every KMS-encrypted object.`,
        );
      }
    });
  },
});
