import { stackPolicy } from "../lib/policy";
import { at, num, shown } from "../lib/props";
import { T } from "../lib/types";
import { mappedFunction, sourceKind } from "./sources";

export const lambdaConsumerReservedConcurrency = stackPolicy({
  name: "lambda-consumer-reserved-concurrency",
  description:
    "Every function an event source mapping invokes has reserved concurrency, and an SQS mapping's maximum concurrency does not exceed it. After a failover the new writer's consumers take the whole load: unreserved, other functions in the region can starve them (or they starve the rest); a mapping allowed more than the reservation invokes into throttling and returns messages toward the DLQ.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    for (const m of stack.ofType(T.eventSourceMapping)) {
      const fn = mappedFunction(stack.resources, m);
      if (!fn) {
        report(
          `The mapping ${m.name} invokes a function that is not in this stack, so its reserved concurrency cannot be checked; manage the consumer in the cell (components/functions).`,
          m,
        );
        continue;
      }
      const reserved = num(fn.props.reservedConcurrentExecutions);
      if (reserved === undefined || reserved < 1) {
        report(
          `The consumer ${fn.name} has reservedConcurrentExecutions ${shown(fn.props.reservedConcurrentExecutions)}; reserve at least 1 (dr:functions.*ReservedConcurrency).`,
          fn,
        );
        continue;
      }
      const max = num(at(m.props, "scalingConfig.maximumConcurrency"));
      if (sourceKind(m.props.eventSourceArn) === "sqs" && max !== undefined && max > reserved) {
        report(
          `The SQS mapping ${m.name} allows ${max} concurrent invocations but ${fn.name} reserves ${reserved}; set scalingConfig.maximumConcurrency to at most ${reserved}.`,
          m,
        );
      }
    }
  },
});
