import { resourcePolicy } from "../lib/policy";
import { isObject, list, num, shown, str } from "../lib/props";
import { T } from "../lib/types";
import { GATE_ALARM, gateAlarmName, isGateAlarm } from "../route53/gates";

export const cloudwatchWriterGateAlarm = resourcePolicy({
  name: "cloudwatch-writer-gate-alarm",
  description:
    "Every writer gate alarm (DR/TrafficSwitch WriterGate) evaluates as documented: Minimum over one 60 s period, LessThanThreshold 1, treatMissingData ignore, dimensions exactly {App, Region}, named <App>-writer-gate-<Region>. Route 53 reads only standard-resolution alarms; the Minimum makes a close win over an open in the same minute; ignore keeps the gate where the last command put it; the commands find the alarm by that name and dimension.",
  enforcementLevel: "mandatory",
  types: [T.metricAlarm],
  validate: ({ props }, _config, report) => {
    if (!isGateAlarm(props)) return;
    const want: [string, unknown, unknown][] = [
      ["statistic", props.statistic, GATE_ALARM.statistic],
      ["period", num(props.period), GATE_ALARM.periodSeconds],
      ["evaluationPeriods", num(props.evaluationPeriods), GATE_ALARM.evaluationPeriods],
      // Left out, CloudWatch uses evaluationPeriods (1).
      ["datapointsToAlarm", num(props.datapointsToAlarm) ?? 1, GATE_ALARM.datapointsToAlarm],
      ["threshold", num(props.threshold), GATE_ALARM.threshold],
      ["comparisonOperator", props.comparisonOperator, GATE_ALARM.comparisonOperator],
      ["treatMissingData", props.treatMissingData, GATE_ALARM.treatMissingData],
    ];
    for (const [key, got, expected] of want) {
      if (got !== expected) {
        report(`${key} is ${shown(got)} on a writer gate alarm; set it to ${shown(expected)}.`);
      }
    }
    if (str(props.extendedStatistic) || list(props.metricQueries).length > 0) {
      report(
        "this writer gate alarm uses extendedStatistic or metricQueries; use statistic Minimum on the WriterGate metric itself.",
      );
    }
    const dims = isObject(props.dimensions) ? props.dimensions : {};
    const keys = Object.keys(dims).sort();
    const app = str(dims.App);
    const region = str(dims.Region);
    if (keys.join() !== "App,Region" || !app || !region) {
      report(
        `dimensions are ${shown(props.dimensions)}; a writer gate alarm has exactly { App: <app>, Region: <the cell's region> }, the dimensions the commands put the metric with.`,
      );
    } else if (str(props.name) !== gateAlarmName(app, region)) {
      report(
        `name is ${shown(props.name)}; the gate alarm for ${app} in ${region} is named "${gateAlarmName(app, region)}" in every gate region (the commands and the peers' manifests use that name).`,
      );
    }
  },
});
