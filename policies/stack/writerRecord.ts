import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { WRITER_WEIGHT } from "../route53/gates";
import { routingPolicies, weightOf } from "../route53/records";
import { ownManifest } from "./ownManifest";
import { checksById, writerRecords } from "./writerView";

export const drWriterRecord = stackPolicy({
  name: "dr-writer-record",
  description:
    "The cell has exactly one record on the writer name, weighted (weight 100, setIdentifier = the cell) and behind the cell's writer check as the manifest publishes it, or none while the manifest defers it for a missing gate. A writer record behind the HTTPS check, another check or none at all moves writes without the failover commands, or never.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const own = ownManifest(stack);
    if (own.kind !== "valid") return;
    const m = own.manifest;
    const t = m.traffic;
    const records = writerRecords(stack, m);
    const writerName = m.endpoints.writerName;

    if (t.writerRecord === null) {
      if (records.length > 0) {
        report(
          `${MANIFEST_OUTPUT}.traffic.writerRecord is null but the stack has a record on ${writerName}; publish it in the manifest (name and setIdentifier).`,
          records[0],
        );
      }
      const sw = t.switch;
      const missing =
        sw.type === "cloudwatch-gate"
          ? sw.gateRegions.filter((r) => !sw.gates.some((g) => g.region === r))
          : [];
      if (missing.length === 0) {
        report(
          `${MANIFEST_OUTPUT}.traffic.writerRecord is null though no gate is missing, so this cell can never take writes; the writer record is deferred only while a peer has not published the gate it hosts for this cell.`,
        );
      } else if (m.deferred.length === 0) {
        report(
          `The writer record waits for the gates in ${missing.join(", ")} but ${MANIFEST_OUTPUT}.deferred is empty; list it, so the operator knows to run \`pulumi up\` again.`,
        );
      }
      return;
    }

    if (records.length === 0) {
      report(
        `The stack has no record on ${writerName} though ${MANIFEST_OUTPUT}.traffic.writerRecord names one; this cell can never take writes. Add its weighted writer record.`,
      );
      return;
    }
    if (records.length > 1) {
      report(
        `The stack has ${records.length} records on ${writerName}; a cell has exactly one (setIdentifier ${m.cell}).`,
        records[1],
      );
    }
    const checks = checksById(stack);
    const expectedCheck = t.switch.type === "cloudwatch-gate" ? "CALCULATED" : "RECOVERY_CONTROL";
    for (const r of records) {
      const p = r.props;
      const policies = routingPolicies(p);
      if (policies.join() !== "weighted") {
        report(
          `The writer record routes by ${policies.join(" and ") || "simple"} routing; it must be weighted (weightedRoutingPolicies [{ weight: ${WRITER_WEIGHT} }]): failover routing holds two cells, latency and simple routing ignore the gates.`,
          r,
        );
      } else if (weightOf(p) !== WRITER_WEIGHT) {
        report(
          `The writer record's weight is ${shown(weightOf(p))}; every cell's is ${WRITER_WEIGHT}, so only the writer checks decide where writes go.`,
          r,
        );
      }
      if (p.setIdentifier !== m.cell || t.writerRecord.setIdentifier !== m.cell) {
        report(
          `The writer record's setIdentifier is ${shown(p.setIdentifier)} (manifest ${shown(t.writerRecord.setIdentifier)}); use the cell, ${m.cell}, so each cell owns one record of the set.`,
          r,
        );
      }
      const hc = str(p.healthCheckId);
      if (!hc) {
        report(
          "The writer record has no healthCheckId; Route 53 would treat it as always healthy. Attach the cell's writer check.",
          r,
        );
      } else if (hc === t.healthCheck.healthCheckId) {
        report(
          "The writer record is behind the cell's HTTPS check; an HTTPS blip would then move or drop writes without a fence. Attach the writer check (the gate quorum) instead.",
          r,
        );
      } else if (hc !== t.healthCheck.writerHealthCheckId) {
        report(
          `The writer record's healthCheckId ${hc} is not the cell's writer check (${MANIFEST_OUTPUT}.traffic.healthCheck.writerHealthCheckId ${shown(t.healthCheck.writerHealthCheckId)}); attach that check, the one the commands verify.`,
          r,
        );
      } else {
        const check = checks.get(hc);
        if (check && check.props.type !== expectedCheck) {
          report(
            `The writer check is ${shown(check.props.type)}; with ${t.switch.type} it is ${expectedCheck}.`,
            check,
          );
        }
      }
    }
  },
});
