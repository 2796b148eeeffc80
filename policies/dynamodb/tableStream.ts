import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const dynamodbTableStream = resourcePolicy({
  name: "dynamodb-table-stream",
  description:
    "Home DynamoDB tables stream NEW_AND_OLD_IMAGES. Global table replication reads the table's stream; without it (or with another view type) replicas cannot be added and the peer region has no copy.",
  enforcementLevel: "mandatory",
  types: [T.dynamoTable],
  validate: ({ props }, _config, report) => {
    if (props.streamEnabled !== true) {
      report(
        `streamEnabled is ${shown(props.streamEnabled)}; set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" so replicas can join.`,
      );
    } else if (props.streamViewType !== "NEW_AND_OLD_IMAGES") {
      report(
        `streamViewType is ${shown(props.streamViewType)}; global tables need "NEW_AND_OLD_IMAGES".`,
      );
    }
  },
});
