import { resourcePolicy } from "../lib/policy";
import { at, shown, str } from "../lib/props";
import { T } from "../lib/types";

export const stepFunctionsLogging = resourcePolicy({
  name: "stepfunctions-logging",
  description:
    "Step Functions state machines log to CloudWatch Logs (level ALL, ERROR or FATAL) and trace with X-Ray. An Express workflow keeps no execution history: after an incident or a failover its log is the only record of which jobs ran, where, and why they were refused.",
  enforcementLevel: "mandatory",
  types: [T.stateMachine],
  validate: ({ props }, _config, report) => {
    const level = at(props, "loggingConfiguration.level");
    if (!["ALL", "ERROR", "FATAL"].includes(String(level))) {
      report(
        `loggingConfiguration.level is ${shown(level)}; set it to "ALL" or "ERROR" with a log group as logDestination.`,
      );
    } else if (!str(at(props, "loggingConfiguration.logDestination"))) {
      report(
        'loggingConfiguration.logDestination is not set; set it to the log group ARN followed by ":*".',
      );
    }
    if (at(props, "tracingConfiguration.enabled") !== true) {
      report(
        `tracingConfiguration.enabled is ${shown(at(props, "tracingConfiguration.enabled"))}; set it to true (X-Ray).`,
      );
    }
  },
});
