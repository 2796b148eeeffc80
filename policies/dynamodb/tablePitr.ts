import { resourcePolicy } from "../lib/policy";
import { at, shown } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbTablePitr = resourcePolicy({
  name: "dynamodb-table-pitr",
  description:
    "Home DynamoDB tables have point-in-time recovery. Replication copies a bad write or a delete to every region within a second; PITR is the only way back from that.",
  enforcementLevel: "mandatory",
  types: [T.dynamoTable],
  validate: ({ props }, _config, report) => {
    const enabled = at(props, "pointInTimeRecovery.enabled");
    if (enabled !== true) {
      report(
        `pointInTimeRecovery.enabled is ${shown(enabled)}; set pointInTimeRecovery: { enabled: true }.`,
      );
    }
  },
});
