import { resourcePolicy } from "../lib/policy";
import { list } from "../lib/props";
import { T } from "../lib/types";
import { sourceKind } from "./sources";

export const lambdaMappingBatchItemFailures = resourcePolicy({
  name: "lambda-mapping-batch-item-failures",
  description:
    "Event source mappings on SQS queues and DynamoDB/Kinesis streams report batch item failures (`functionResponseTypes: [ReportBatchItemFailures]`). Without it one failed message returns the whole batch: SQS delivers the processed messages again, and a stream re-runs them until the retry bound, which during a failover's refusals turns one bad record into many duplicates or a whole batch in the DLQ.",
  enforcementLevel: "mandatory",
  types: [T.eventSourceMapping],
  validate: ({ props }, _config, report) => {
    // Kafka and MQ sources do not support partial batch responses.
    if (sourceKind(props.eventSourceArn) === "other") return;
    if (!list(props.functionResponseTypes).includes("ReportBatchItemFailures")) {
      report(
        `functionResponseTypes is ${JSON.stringify(props.functionResponseTypes ?? null)}; set functionResponseTypes: ["ReportBatchItemFailures"] and return {batchItemFailures} from the handler.`,
      );
    }
  },
});
