import { resourcePolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbReplicaKms = resourcePolicy({
  name: "dynamodb-replica-kms",
  description:
    "Every DynamoDB table replica is encrypted with the cell's customer-managed KMS key (the regional replica of the multi-Region key), not the AWS-managed default. One key policy then governs the data in every region, so revoking or auditing access covers the replicas too.",
  enforcementLevel: "advisory",
  types: [T.dynamoReplica],
  validate: ({ props }, _config, report) => {
    if (!str(props.kmsKeyArn)) {
      report(
        "kmsKeyArn is not set, so the replica uses the AWS-managed key; set it to this region's replica of the multi-Region key.",
      );
    }
  },
});
