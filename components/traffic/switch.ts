import type { CellRole } from "../../config/load";
import type { CellIdentity } from "../naming";

/*
 * The traffic switch's contract with the failover commands: where the writer gate metric lives
 * and how it is read. The commands close a cell's gate with one PutMetricData in any healthy
 * region; everything they need to do so is derived here and published in the DR manifest.
 */

/** CloudWatch namespace of the writer gate metric. */
export const GATE_NAMESPACE = "DR/TrafficSwitch";
/** The metric: 1 = this cell may take writer traffic, 0 = gate closed. */
export const GATE_METRIC = "WriterGate";

/**
 * The gate alarm's evaluation. Route 53 health checks only read alarms on standard-resolution
 * metrics, so the period is 60 s (a 10 s high-resolution alarm would be rejected); one
 * datapoint decides, and the Minimum makes a close win over an open in the same minute.
 */
export const GATE_ALARM = {
  statistic: "Minimum",
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparisonOperator: "LessThanThreshold",
  // Missing data keeps the last state: one PutMetricData holds the gate open or shut for good.
  treatMissingData: "ignore",
} as const;

/** The gate metric's dimensions for a cell. */
export function gateDimensions(id: CellIdentity): { App: string; Cell: string } {
  return { App: id.app, Cell: id.cell };
}

/** The gate alarm's name in one region (the same alarm exists in every cell region). */
export function gateAlarmName(id: CellIdentity, region: string): string {
  return `${id.app}-${id.cell}-writer-gate-${region}`;
}

/** The home cell is the failover pair's PRIMARY; joiners are SECONDARY. */
export function failoverRole(role: CellRole): "PRIMARY" | "SECONDARY" {
  return role === "home" ? "PRIMARY" : "SECONDARY";
}

/** The `<label>.<zone>` name of a record. */
export function recordName(label: string, zoneName: string): string {
  return `${label}.${zoneName.replace(/\.$/, "")}`;
}
