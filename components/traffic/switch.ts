import { cellPrefix, type CellIdentity } from "../naming";

/*
 * The traffic switch's contract with the failover commands: where the writer gate metric lives
 * and how it is read. Everything the commands need is derived here and published in the DR
 * manifest.
 *
 * Writer routing (docs/architecture.md: writer routing). The writer name is a weighted record set, one
 * record per cell, each behind the cell's writer check; the HTTPS check never takes part, so
 * only the commands move the writer. A cell's writer check is a majority of its gates: one
 * CloudWatch alarm per gate region (every cell region and each witness region) on the metric
 * `WriterGate{App, Region}`. The commands put 0 (close) or 1 (open) in every gate region they
 * can reach. Whatever Route 53 makes of an alarm in a region it cannot read (healthy,
 * unhealthy or its last state), one region is a minority: a closed cell keeps at most one
 * healthy gate of at least three, an opened one at least G - 1 >= quorum.
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

/**
 * What Route 53 makes of a gate alarm without data: a gate that was never opened is closed, so
 * a fresh deployment sends writers nowhere until the commands open one cell.
 */
export const GATE_INSUFFICIENT_DATA = "Unhealthy";

/** Weight of every cell's writer record: equal, so only health decides. */
export const WRITER_WEIGHT = 100;

/** The gate metric's dimensions for the cell of a region. */
export function gateDimensions(app: string, cellRegion: string): { App: string; Region: string } {
  return { App: app, Region: cellRegion };
}

/** The name of the gate alarm for the cell of `cellRegion` (the same in every gate region). */
export function gateAlarmName(app: string, cellRegion: string): string {
  return `${app}-writer-gate-${cellRegion}`;
}

/** A majority of the gate regions: the writer check's threshold. */
export function gateQuorum(gateRegionCount: number): number {
  return Math.floor(gateRegionCount / 2) + 1;
}

/** Every gate region of a deployment, cells first (config order), then witnesses. */
export function gateRegionsOf(cellRegions: string[], witnessRegions: string[]): string[] {
  return [...cellRegions, ...witnessRegions.filter((w) => !cellRegions.includes(w))];
}

/** The `<label>.<zone>` name of a record. */
export function recordName(label: string, zoneName: string): string {
  return `${label}.${zoneName.replace(/\.$/, "")}`;
}

/** Tags' `Name` of a cell's health checks. */
export function healthCheckName(id: CellIdentity, what: string): string {
  return `${cellPrefix(id)}-${what}`;
}
