import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../../config/regions";
import { CellIdentity, regionalName } from "../naming";

/*
 * What each DR alarm watches, as data: the component turns these into CloudWatch alarms and
 * dashboard widgets, and tests check units and dimensions here without rendering anything.
 * All three replication metrics are published in milliseconds; thresholds are configured in
 * seconds, so the conversion happens once, here.
 */

export interface AlarmThresholds {
  /** Aurora global replication lag, seconds. */
  auroraLagSeconds: number;
  /** DynamoDB global table ReplicationLatency, seconds. */
  dynamodbLagSeconds: number;
  /** MSK Replicator ReplicationLatency, seconds. */
  mskLagSeconds: number;
  /** Load balancer 5xx responses in one minute. */
  loadBalancer5xxPerMinute: number;
}

export type AlarmKind = "auroraLag" | "dynamodbLag" | "mskLag" | "loadBalancer5xx";

export interface AlarmSpec {
  kind: AlarmKind;
  /** The Pulumi resource name's role suffix (`auroraLagAlarm`). */
  role: string;
  alarmName: string;
  /** Graph title on the dashboard. */
  title: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  statistic: "Average" | "Maximum" | "Sum";
  /** The unit the metric is published in; `threshold` is in this unit. */
  metricUnit: "Milliseconds" | "Count";
  threshold: number;
  comparisonOperator: "GreaterThanThreshold";
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /**
   * Replication metrics exist only while there is something to replicate (and Aurora's only on
   * the secondary, which changes on every switchover), so missing data is not a breach.
   */
  treatMissingData: "notBreaching";
}

const MS_PER_SECOND = 1000;
const LAG_WINDOW = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 };

/**
 * Aurora reports AuroraGlobalDBReplicationLag on whichever cluster is currently a secondary,
 * so every cell alarms on its own cluster and the alarm follows the role after a switchover.
 */
export function auroraLagAlarm(
  id: CellIdentity,
  clusterIdentifier: pulumi.Input<string>,
  t: AlarmThresholds,
): AlarmSpec {
  return {
    kind: "auroraLag",
    role: "auroraLagAlarm",
    alarmName: regionalName(id, "aurora-global-lag"),
    title: "Aurora global replication lag (ms)",
    description: `Aurora global replication lag into ${id.region} above ${t.auroraLagSeconds} s (${t.auroraLagSeconds * MS_PER_SECOND} ms).`,
    namespace: "AWS/RDS",
    metricName: "AuroraGlobalDBReplicationLag",
    dimensions: { DBClusterIdentifier: clusterIdentifier },
    statistic: "Maximum",
    metricUnit: "Milliseconds",
    threshold: t.auroraLagSeconds * MS_PER_SECOND,
    comparisonOperator: "GreaterThanThreshold",
    ...LAG_WINDOW,
    treatMissingData: "notBreaching",
  };
}

/** DynamoDB publishes ReplicationLatency in the writing region, per receiving region. */
export function dynamodbLagAlarm(
  id: CellIdentity,
  tableName: string,
  receivingRegion: string,
  t: AlarmThresholds,
): AlarmSpec {
  return {
    kind: "dynamodbLag",
    role: `dynamodbLagAlarm-${tableName}-${regionCode(receivingRegion)}`,
    alarmName: regionalName(id, `ddb-lag-${tableName}-${receivingRegion}`),
    title: `DynamoDB ${tableName} -> ${receivingRegion} replication latency (ms)`,
    description: `DynamoDB ${tableName} replication ${id.region} -> ${receivingRegion} above ${t.dynamodbLagSeconds} s (${t.dynamodbLagSeconds * MS_PER_SECOND} ms).`,
    namespace: "AWS/DynamoDB",
    metricName: "ReplicationLatency",
    dimensions: { TableName: tableName, ReceivingRegion: receivingRegion },
    statistic: "Average",
    metricUnit: "Milliseconds",
    threshold: t.dynamodbLagSeconds * MS_PER_SECOND,
    comparisonOperator: "GreaterThanThreshold",
    ...LAG_WINDOW,
    treatMissingData: "notBreaching",
  };
}

/**
 * MSK Replicator publishes ReplicationLatency in its (the target's) region, per replicator:
 * one alarm per peer the cell replicates from.
 */
export function mskLagAlarm(
  id: CellIdentity,
  replicatorName: pulumi.Input<string>,
  sourceRegion: string,
  t: AlarmThresholds,
): AlarmSpec {
  return {
    kind: "mskLag",
    role: `mskLagAlarm-${regionCode(sourceRegion)}`,
    alarmName: regionalName(id, `msk-replication-lag-${sourceRegion}`),
    title: `MSK Replicator ${sourceRegion} -> ${id.region} replication latency (ms)`,
    description: `MSK Replicator lag ${sourceRegion} -> ${id.region} above ${t.mskLagSeconds} s (${t.mskLagSeconds * MS_PER_SECOND} ms).`,
    namespace: "AWS/Kafka",
    metricName: "ReplicationLatency",
    dimensions: { ReplicatorName: replicatorName },
    statistic: "Maximum",
    metricUnit: "Milliseconds",
    threshold: t.mskLagSeconds * MS_PER_SECOND,
    comparisonOperator: "GreaterThanThreshold",
    ...LAG_WINDOW,
    treatMissingData: "notBreaching",
  };
}

export function loadBalancer5xxAlarm(
  id: CellIdentity,
  loadBalancerArnSuffix: pulumi.Input<string>,
  t: AlarmThresholds,
): AlarmSpec {
  return {
    kind: "loadBalancer5xx",
    role: "loadBalancer5xxAlarm",
    alarmName: regionalName(id, "alb-5xx"),
    title: "Load balancer 5xx per minute",
    description: `Load balancer in ${id.region} returned more than ${t.loadBalancer5xxPerMinute} 5xx responses a minute.`,
    namespace: "AWS/ApplicationELB",
    metricName: "HTTPCode_ELB_5XX_Count",
    dimensions: { LoadBalancer: loadBalancerArnSuffix },
    statistic: "Sum",
    metricUnit: "Count",
    threshold: t.loadBalancer5xxPerMinute,
    comparisonOperator: "GreaterThanThreshold",
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: "notBreaching",
  };
}

/** Dimensions resolved, so the dashboard can be built from plain values. */
export type ResolvedAlarmSpec = Omit<AlarmSpec, "dimensions"> & {
  dimensions: Record<string, string>;
  alarmArn: string;
};

const WIDGET = { width: 12, height: 6 };

/**
 * The cell's dashboard: one alarm-status strip, then one graph per alarm with its threshold
 * drawn in, two graphs a row.
 */
export function dashboardBody(region: string, title: string, specs: ResolvedAlarmSpec[]) {
  const graphs = specs.map((s, i) => ({
    type: "metric",
    x: (i % 2) * WIDGET.width,
    y: 2 + Math.floor(i / 2) * WIDGET.height,
    ...WIDGET,
    properties: {
      title: s.title,
      region,
      view: "timeSeries",
      stat: s.statistic,
      period: s.periodSeconds,
      metrics: [[s.namespace, s.metricName, ...Object.entries(s.dimensions).flat()]],
      annotations: { horizontal: [{ label: s.alarmName, value: s.threshold }] },
      yAxis: {
        left: { label: s.metricUnit === "Milliseconds" ? "ms" : "count", showUnits: false },
      },
    },
  }));
  return {
    widgets: [
      {
        type: "alarm",
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: { title, alarms: specs.map((s) => s.alarmArn) },
      },
      ...graphs,
    ],
  };
}
