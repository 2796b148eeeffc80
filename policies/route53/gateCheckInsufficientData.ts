import { resourcePolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { T } from "../lib/types";
import { GATE_INSUFFICIENT_DATA, isGateCheck } from "./gates";

export const route53GateCheckInsufficientData = resourcePolicy({
  name: "route53-gate-check-insufficient-data",
  description:
    'Every writer gate check (a CLOUDWATCH_METRIC check on a `<app>-writer-gate-<region>` alarm) has insufficientDataHealthStatus "Unhealthy". A gate that was never opened must count as closed: "Healthy" opens every fresh cell at once, and "LastKnownStatus" lets a region whose alarm cannot be read keep a gate open.',
  enforcementLevel: "mandatory",
  types: [T.healthCheck],
  validate: ({ props }, _config, report) => {
    if (!isGateCheck(props)) return;
    if (props.insufficientDataHealthStatus !== GATE_INSUFFICIENT_DATA) {
      report(
        `the gate check on ${str(props.cloudwatchAlarmName)} has insufficientDataHealthStatus ${shown(props.insufficientDataHealthStatus)}; set it to "${GATE_INSUFFICIENT_DATA}" so a gate without data counts as closed.`,
      );
    }
  },
});
