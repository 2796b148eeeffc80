import { resourcePolicy } from "../lib/policy";
import { at, shown, str } from "../lib/props";
import { T } from "../lib/types";

export const eventbridgeTargetDeadLetter = resourcePolicy({
  name: "eventbridge-target-dead-letter",
  description:
    "EventBridge rule targets have a dead-letter queue. Without one, an event the target keeps refusing (a throttled stream, a target in a region under stress) is dropped after the retries, silently, and the lake misses it.",
  enforcementLevel: "mandatory",
  types: [T.eventTarget],
  validate: ({ props }, _config, report) => {
    if (!str(at(props, "deadLetterConfig.arn"))) {
      report(
        `deadLetterConfig.arn is ${shown(at(props, "deadLetterConfig.arn"))}; set deadLetterConfig to { arn: <SQS queue ARN> } (a queue whose policy lets events.amazonaws.com send from this rule).`,
      );
    }
  },
});
