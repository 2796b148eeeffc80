import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbDeletionProtection = resourcePolicy({
  name: "dynamodb-deletion-protection",
  description:
    "DynamoDB tables and replicas have deletion protection. Deleting a replica removes that region's copy; deleting the last one loses the data.",
  enforcementLevel: "mandatory",
  types: [T.dynamoTable, T.dynamoReplica],
  validate: ({ props }, _config, report) => {
    if (props.deletionProtectionEnabled !== true) {
      report(
        `deletionProtectionEnabled is ${shown(props.deletionProtectionEnabled)}; set deletionProtectionEnabled: true.`,
      );
    }
  },
});
