import { stackPolicy } from "../lib/policy";
import { physicalName, shown, str } from "../lib/props";
import { T } from "../lib/types";

const DIMENSIONS = ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"];

export const dynamodbCapacityScales = stackPolicy({
  name: "dynamodb-capacity-scales",
  description:
    "DynamoDB tables are on-demand, or provisioned with read and write auto scaling. After a failover one region takes all the traffic (and every replicated write); fixed provisioned capacity throttles it and replication lag grows.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const scaled = new Set(
      stack
        .ofType(T.autoscalingTarget)
        .filter((t) => t.props.serviceNamespace === "dynamodb")
        .map((t) => `${String(t.props.resourceId)}|${String(t.props.scalableDimension)}`),
    );
    for (const table of stack.ofType(T.dynamoTable)) {
      const mode = table.props.billingMode ?? "PROVISIONED";
      if (mode === "PAY_PER_REQUEST") continue;
      const name = str(table.props.name) ?? physicalName(table.props, table.name);
      const missing = DIMENSIONS.filter((d) => !scaled.has(`table/${name}|${d}`));
      if (missing.length > 0) {
        report(
          `Table ${name} has billingMode ${shown(table.props.billingMode)} (provisioned) and no aws.appautoscaling.Target for ${missing.join(" and ")}; set billingMode: "PAY_PER_REQUEST" or add auto scaling for table/${name}.`,
          table,
        );
      }
    }
  },
});
