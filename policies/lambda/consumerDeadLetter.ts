import { stackPolicy } from "../lib/policy";
import { at, isObject, jsonProp, num, str } from "../lib/props";
import { T } from "../lib/types";
import { sourceKind } from "./sources";

const unbounded = (v: unknown) => {
  const n = num(v);
  return n === undefined || n === -1;
};

export const lambdaConsumerDeadLetter = stackPolicy({
  name: "lambda-consumer-dead-letter",
  description:
    "Every Lambda consumer keeps what it cannot process: an SQS source queue redrives to a dead-letter queue, and a stream mapping has an on-failure destination with bounded retries. Otherwise a poison message blocks the drain of a switchover, or a stream shard retries until its records expire and are lost without a trace.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    for (const m of stack.ofType(T.eventSourceMapping)) {
      const kind = sourceKind(m.props.eventSourceArn);
      if (kind === "stream") {
        if (!str(at(m.props, "destinationConfig.onFailure.destinationArn"))) {
          report(
            `The stream mapping ${m.name} has no on-failure destination; set destinationConfig.onFailure.destinationArn to an SQS queue (the batch's shard and sequence numbers go there after the retries).`,
            m,
          );
        }
        if (
          unbounded(m.props.maximumRetryAttempts) &&
          unbounded(m.props.maximumRecordAgeInSeconds)
        ) {
          report(
            `The stream mapping ${m.name} retries forever (maximumRetryAttempts and maximumRecordAgeInSeconds unset or -1): a failing batch never reaches its on-failure destination; bound one of them.`,
            m,
          );
        }
      } else if (kind === "sqs") {
        const queueArn = str(m.props.eventSourceArn)!;
        const queue = stack.ofType(T.queue).find((q) => str(q.props.arn) === queueArn);
        if (!queue) {
          report(
            `The SQS mapping ${m.name} reads ${queueArn}, which is not in this stack, so its dead-letter queue cannot be checked; manage the queue in the cell (components/queue).`,
            m,
          );
          continue;
        }
        const redrive = jsonProp(queue.props.redrivePolicy);
        if (!isObject(redrive) || !str(redrive.deadLetterTargetArn)) {
          report(
            `The SQS mapping ${m.name} reads ${queue.name}, which has no redrivePolicy.deadLetterTargetArn; give the queue a dead-letter queue so a message the consumer reports failed is kept after maxReceiveCount.`,
            m,
          );
        }
      }
    }
  },
});
