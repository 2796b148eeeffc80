import { resourcePolicy } from "../lib/policy";
import { at, shown, str } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbTableKms = resourcePolicy({
  name: "dynamodb-table-kms",
  description:
    "Home DynamoDB tables are encrypted with a customer-managed KMS key. Each replica then uses the cell's replica of the same multi-Region key, so the data stays readable under one key policy in every region.",
  enforcementLevel: "advisory",
  types: [T.dynamoTable],
  validate: ({ props }, _config, report) => {
    const enabled = at(props, "serverSideEncryption.enabled");
    if (enabled !== true) {
      report(
        `serverSideEncryption.enabled is ${shown(enabled)}; set serverSideEncryption: { enabled: true, kmsKeyArn: <the cell's KMS key> }.`,
      );
    } else if (!str(at(props, "serverSideEncryption.kmsKeyArn"))) {
      report(
        "serverSideEncryption.kmsKeyArn is not set, so DynamoDB uses the AWS-managed key; set it to the cell's multi-Region key.",
      );
    }
  },
});
