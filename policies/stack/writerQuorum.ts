import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { list, num, shown, str } from "../lib/props";
import { gateAlarmName, gateQuorum } from "../route53/gates";
import { cellRegionsOf, checksById, expectedHost, ownGateCell } from "./writerView";

export const drWriterQuorum = stackPolicy({
  name: "dr-writer-quorum",
  description:
    "The cell's writer check is a majority of its gates: at least 3 gate regions (every cell region and each witness region), one gate per gate region, and a CALCULATED check whose children are exactly those gate checks (never the HTTPS check) with childHealthThreshold = quorum = a strict majority of the gate regions. Any other shape lets one region, or the HTTPS check, open or close the writer by itself.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const cell = ownGateCell(stack, notApplicable);
    if (!cell) return;
    const { m, sw } = cell;
    const key = `${MANIFEST_OUTPUT}.traffic.switch`;
    const gateRegions = sw.gateRegions;
    for (const region of [...cellRegionsOf(m), ...sw.witnessRegions]) {
      if (!gateRegions.includes(region)) {
        report(
          `${key}.gateRegions (${gateRegions.join(", ")}) leaves out ${region}; every cell region and witness region holds a gate.`,
        );
      }
    }
    if (new Set(gateRegions).size !== gateRegions.length) {
      report(`${key}.gateRegions lists a region twice (${gateRegions.join(", ")}).`);
    }
    if (gateRegions.length < 3) {
      report(
        `The writer has ${gateRegions.length} gate regions (${gateRegions.join(", ")}); a majority no single region decides needs at least 3: add a witness region (dr:trafficSwitch.witnessRegions).`,
      );
    }
    const quorum = gateQuorum(gateRegions.length);
    if (sw.quorum !== quorum) {
      report(
        `${key}.quorum is ${sw.quorum} of ${gateRegions.length} gate regions; a strict majority is ${quorum}.`,
      );
    }
    for (const region of new Set(sw.gates.map((g) => g.region))) {
      if (sw.gates.filter((g) => g.region === region).length > 1) {
        report(`${key}.gates has more than one gate in ${region}; each gate region has one.`);
      }
    }
    for (const g of sw.gates) {
      if (!gateRegions.includes(g.region)) {
        report(`${key}.gates has a gate in ${g.region}, which is not a gate region.`);
      }
      if (g.alarmName !== gateAlarmName(m.app, m.region)) {
        report(
          `The gate in ${g.region} is the alarm ${g.alarmName}; this cell's gates are ${gateAlarmName(m.app, m.region)} (the name the commands set).`,
        );
      }
      const host = expectedHost(m, g.region);
      if (g.hostedBy !== host) {
        report(
          `The gate in ${g.region} is hosted by ${g.hostedBy}; it belongs to ${host}, the stack in that region (or this cell for a witness region).`,
        );
      }
    }

    const writerId = m.traffic.healthCheck.writerHealthCheckId;
    if (writerId === null) return; // deferred: dr-writer-record checks it is legitimately so
    const checks = checksById(stack);
    const check = checks.get(writerId);
    if (!check) {
      report(
        `${MANIFEST_OUTPUT}.traffic.healthCheck.writerHealthCheckId ${writerId} is no health check of this stack; publish the id of the cell's CALCULATED writer check.`,
      );
      return;
    }
    if (check.props.type !== "CALCULATED") {
      report(
        `The writer check is ${shown(check.props.type)}; gate quorum needs CALCULATED.`,
        check,
      );
      return;
    }
    const children = list(check.props.childHealthchecks).map((c) => str(c) ?? "");
    const gateIds = new Map(sw.gates.map((g) => [g.healthCheckId, g]));
    for (const child of children) {
      if (gateIds.has(child)) continue;
      const resource = checks.get(child);
      if (child === m.traffic.healthCheck.healthCheckId) {
        report(
          "The writer check counts the HTTPS check as a child; only the failover commands may move the writer (through the gates), so remove it.",
          check,
        );
      } else if (resource) {
        report(
          `The writer check counts ${resource.name} (${shown(resource.props.type)}) as a child; its children are exactly the cell's gate checks.`,
          check,
        );
      } else {
        report(
          `The writer check counts ${child}, which is none of the cell's gates in ${key}.gates; its children are exactly the gate checks.`,
          check,
        );
      }
    }
    for (const g of sw.gates) {
      if (!children.includes(g.healthCheckId)) {
        report(
          `The writer check does not count the gate in ${g.region} (${g.healthCheckId}); add it to childHealthchecks.`,
          check,
        );
      }
      // A gate this stack hosts must be what the manifest says it is.
      const hosted = g.hostedBy === m.stack ? checks.get(g.healthCheckId) : undefined;
      if (g.hostedBy === m.stack && !hosted) {
        report(
          `The gate in ${g.region} (${g.healthCheckId}) is hosted by this stack, but it has no such health check.`,
        );
      } else if (
        hosted &&
        (hosted.props.type !== "CLOUDWATCH_METRIC" ||
          hosted.props.cloudwatchAlarmName !== g.alarmName ||
          hosted.props.cloudwatchAlarmRegion !== g.region)
      ) {
        report(
          `The gate check ${hosted.name} is ${shown(hosted.props.type)} on ${shown(hosted.props.cloudwatchAlarmName)} in ${shown(hosted.props.cloudwatchAlarmRegion)}; the gate in ${g.region} is a CLOUDWATCH_METRIC check on ${g.alarmName} there.`,
          hosted,
        );
      }
    }
    if (sw.gates.length < gateRegions.length) {
      report(
        `The writer check exists but the gates in ${gateRegions.filter((r) => !sw.gates.some((g) => g.region === r)).join(", ")} do not; a quorum of a partial set is not a majority of the gate regions.`,
        check,
      );
    }
    const threshold = num(check.props.childHealthThreshold);
    if (threshold !== sw.quorum) {
      report(
        `The writer check's childHealthThreshold is ${shown(check.props.childHealthThreshold)}; it is the quorum, ${sw.quorum} of ${gateRegions.length} gate regions.`,
        check,
      );
    }
  },
});
