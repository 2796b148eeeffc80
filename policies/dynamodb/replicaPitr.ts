import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbReplicaPitr = resourcePolicy({
  name: "dynamodb-replica-pitr",
  description:
    "Every DynamoDB table replica has point-in-time recovery. PITR is per replica: after a failover the replica is where writes land, and without PITR a bad write there cannot be undone.",
  enforcementLevel: "mandatory",
  types: [T.dynamoReplica],
  validate: ({ props }, _config, report) => {
    if (props.pointInTimeRecovery !== true) {
      report(
        `pointInTimeRecovery is ${shown(props.pointInTimeRecovery)}; set pointInTimeRecovery: true on the TableReplica.`,
      );
    }
  },
});
