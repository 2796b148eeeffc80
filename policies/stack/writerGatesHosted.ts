import type { PolicyResource } from "@pulumi/policy";
import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { isObject, str } from "../lib/props";
import { T } from "../lib/types";
import { gateAlarmName, isGateAlarm } from "../route53/gates";
import { cellRegionsOf, ownGateCell } from "./writerView";

export const drWriterGatesHosted = stackPolicy({
  name: "dr-writer-gates-hosted",
  description:
    "The stack hosts, in its own region, a gate alarm and CLOUDWATCH_METRIC check for every cell region it knows, and this cell's gates in each witness region; no other gate alarm lives outside its region; the manifest's hostedGates publishes each peer's gate. A cell whose gate no stack hosts never reaches its quorum, and an alarm in another cell's region ties this stack to that region's API.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const cell = ownGateCell(stack, notApplicable);
    if (!cell) return;
    const { m, sw } = cell;
    const alarms = stack.ofType(T.metricAlarm).filter((a) => isGateAlarm(a.props));
    const regionOf = (a: PolicyResource) => str(a.props.region) ?? m.region;
    const forRegionOf = (a: PolicyResource) =>
      isObject(a.props.dimensions) ? str(a.props.dimensions.Region) : undefined;
    const checks = stack.ofType(T.healthCheck).filter((h) => h.props.type === "CLOUDWATCH_METRIC");

    const expected = [
      ...cellRegionsOf(m).map((forRegion) => ({ forRegion, region: m.region })),
      ...sw.witnessRegions.map((region) => ({ forRegion: m.region, region })),
    ];
    for (const e of expected) {
      const alarm = alarms.find((a) => regionOf(a) === e.region && forRegionOf(a) === e.forRegion);
      const what = `the gate for ${e.forRegion} in ${e.region}`;
      if (!alarm) {
        report(
          `The stack hosts no gate alarm for ${e.forRegion} in ${e.region}; add ${gateAlarmName(m.app, e.forRegion)} (dimensions { App: ${m.app}, Region: ${e.forRegion} }) there.`,
        );
        continue;
      }
      const name = str(alarm.props.name);
      const check = checks.find(
        (h) => h.props.cloudwatchAlarmName === name && h.props.cloudwatchAlarmRegion === e.region,
      );
      if (!check) {
        report(
          `No CLOUDWATCH_METRIC health check follows ${what} (${name}); Route 53 cannot count it.`,
          alarm,
        );
        continue;
      }
      if (e.forRegion === m.region || e.region !== m.region) continue;
      const published = m.traffic.hostedGates.find(
        (g) => g.forRegion === e.forRegion && g.region === e.region,
      );
      const id = str(check.props.id);
      if (!published) {
        report(
          `${MANIFEST_OUTPUT}.traffic.hostedGates does not publish ${what}; the peer in ${e.forRegion} reads its gate from there.`,
          check,
        );
      } else if (published.alarmName !== name || (id && published.healthCheckId !== id)) {
        report(
          `${MANIFEST_OUTPUT}.traffic.hostedGates publishes ${what} as ${published.alarmName} / ${published.healthCheckId}, but the stack has ${name} / ${id ?? "?"}; the peer's writer check would count a check that is not there.`,
          check,
        );
      }
    }
    for (const a of alarms) {
      const region = regionOf(a);
      const known = expected.some((e) => e.region === region && e.forRegion === forRegionOf(a));
      if (!known) {
        report(
          `The gate alarm ${str(a.props.name) ?? a.name} for ${forRegionOf(a) ?? "?"} lives in ${region}; a stack hosts gates in its own region (${m.region}) and only its own cell's gates in the witness regions (${sw.witnessRegions.join(", ") || "none"}).`,
          a,
        );
      }
    }
  },
});
