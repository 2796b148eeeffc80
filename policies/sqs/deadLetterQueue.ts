import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { at, isObject, jsonProp, num, shown, str } from "../lib/props";
import { T } from "../lib/types";

/** A dead-letter queue itself needs no DLQ; it is recognised by its redrive-allow policy or name. */
function isDeadLetterQueue(props: Record<string, unknown>, name: string): boolean {
  if (str(props.redriveAllowPolicy)) return true;
  const names = [str(props.name), str(props.namePrefix), name].filter((n): n is string => !!n);
  return names.some((n) => /(^|[-_.])dlq($|[-_.])|dead-?letter/i.test(n));
}

export const sqsDeadLetterQueue = resourcePolicy({
  name: "sqs-dead-letter-queue",
  description:
    "SQS queues redrive to a dead-letter queue. A switchover drains the source region's queue; a poison message without a DLQ blocks the drain or is retried until it expires and is lost.",
  enforcementLevel: "mandatory",
  types: [T.queue],
  config: z.strictObject({
    maxReceiveCount: z
      .number({ error: "must be a whole number from 1 to 1000." })
      .int({ error: "must be a whole number from 1 to 1000." })
      .min(1, { error: "must be at least 1." })
      .max(1000, { error: "must be at most 1000." })
      .default(10)
      .describe("Largest maxReceiveCount allowed before a message moves to the DLQ."),
  }),
  validate: ({ props, name }, config, report) => {
    if (isDeadLetterQueue(props, name)) return;
    const redrive = jsonProp(props.redrivePolicy);
    if (!isObject(redrive) || !str(redrive.deadLetterTargetArn)) {
      report(
        `redrivePolicy is ${props.redrivePolicy === undefined ? "not set" : "missing deadLetterTargetArn"}; set redrivePolicy to {"deadLetterTargetArn": <DLQ ARN>, "maxReceiveCount": 5}.`,
      );
      return;
    }
    const count = num(at(redrive, "maxReceiveCount"));
    if (count === undefined || count > config.maxReceiveCount) {
      report(
        `redrivePolicy.maxReceiveCount is ${shown(at(redrive, "maxReceiveCount"))}; set it between 1 and ${config.maxReceiveCount}.`,
      );
    }
  },
});
