import { DrManifest } from "../../manifest";
import { writerOnlyConsumers } from "../runbooks/steps/consumers";

/**
 * The least-privilege IAM policy an operator role needs to run every `failover` command over
 * these cells. Resource-scoped where the service supports it; the three actions that only
 * take "*" (GetMetricData, PutMetricData, GetCallerIdentity needs none) are conditioned or
 * read-only. Nothing here touches IAM, Route 53 records/health-check configuration or ARC
 * configuration: the failover commands never need them.
 */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

/** The IAM action for each SDK command the adapters send. */
export const ACTION_FOR_COMMAND: Record<string, string | null> = {
  GetCallerIdentity: null, // needs no permission
  DescribeGlobalClusters: "rds:DescribeGlobalClusters",
  SwitchoverGlobalCluster: "rds:SwitchoverGlobalCluster",
  FailoverGlobalCluster: "rds:FailoverGlobalCluster",
  GetMetricData: "cloudwatch:GetMetricData",
  PutMetricData: "cloudwatch:PutMetricData",
  DescribeAlarms: "cloudwatch:DescribeAlarms",
  DescribeTable: "dynamodb:DescribeTable",
  GetItem: "dynamodb:GetItem",
  PutItem: "dynamodb:PutItem",
  DescribeReplicator: "kafka:DescribeReplicator",
  DescribeGlobalReplicationGroups: "elasticache:DescribeGlobalReplicationGroups",
  FailoverGlobalReplicationGroup: "elasticache:FailoverGlobalReplicationGroup",
  GetHealthCheckStatus: "route53:GetHealthCheckStatus",
  GetRoutingControlState: "route53-recovery-cluster:GetRoutingControlState",
  UpdateRoutingControlStates: "route53-recovery-cluster:UpdateRoutingControlStates",
  GetEventSourceMapping: "lambda:GetEventSourceMapping",
  UpdateEventSourceMapping: "lambda:UpdateEventSourceMapping",
  GetQueueAttributes: "sqs:GetQueueAttributes",
};

const uniq = (xs: (string | undefined | null)[]) =>
  [...new Set(xs.filter((x): x is string => !!x))].sort();

export function operatorPolicyDocument(manifests: readonly DrManifest[]): PolicyDocument {
  const acct = manifests[0].stores.kms.keyArn.split(":")[4];
  const statements: PolicyDocument["Statement"] = [];
  const aurora = manifests.map((m) => m.stores.aurora).filter((a) => a !== null);
  if (aurora.length > 0) {
    statements.push(
      {
        Sid: "AuroraGlobalRead",
        Effect: "Allow",
        Action: ["rds:DescribeGlobalClusters"],
        Resource: uniq(aurora.map((a) => a.globalClusterArn)),
      },
      {
        // Both the global cluster and the member clusters are authorised on these calls.
        Sid: "AuroraGlobalPromote",
        Effect: "Allow",
        Action: ["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"],
        Resource: uniq([
          ...aurora.map((a) => a.globalClusterArn),
          ...aurora.map((a) => a.clusterArn),
        ]),
      },
    );
  }
  statements.push(
    {
      Sid: "MetricsRead",
      Effect: "Allow",
      Action: ["cloudwatch:GetMetricData"],
      Resource: "*",
    },
    {
      Sid: "WriterGate",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: {
        StringEquals: {
          // Only where a gate lives (cell and witness regions).
          "aws:RequestedRegion": uniq(
            manifests.flatMap((m) =>
              m.traffic.switch.type === "cloudwatch-gate" ? m.traffic.switch.gateRegions : [],
            ),
          ),
          "cloudwatch:namespace": uniq(
            manifests.map((m) =>
              m.traffic.switch.type === "cloudwatch-gate" ? m.traffic.switch.namespace : undefined,
            ),
          ),
        },
      },
    },
  );
  const alarms = manifests.flatMap((m) =>
    m.traffic.switch.type === "cloudwatch-gate"
      ? m.traffic.switch.gates.map(
          (g) => `arn:aws:cloudwatch:${g.region}:${acct}:alarm:${g.alarmName}`,
        )
      : [],
  );
  if (alarms.length > 0) {
    statements.push({
      Sid: "WriterGateAlarmsRead",
      Effect: "Allow",
      Action: ["cloudwatch:DescribeAlarms"],
      Resource: uniq(alarms),
    });
  }
  const tables = manifests.flatMap((m) => [
    ...m.stores.dynamodb.map((t) => t.tableArn),
    m.stores.controlTable?.tableArn,
  ]);
  statements.push({
    Sid: "GlobalTablesRead",
    Effect: "Allow",
    Action: ["dynamodb:DescribeTable"],
    Resource: uniq(tables),
  });
  const control = uniq(manifests.map((m) => m.stores.controlTable?.tableArn));
  if (control.length > 0) {
    statements.push({
      Sid: "WriteFences",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: control,
      // Only the writer, fence and run-claim items and the drain marker, never application data.
      Condition: {
        "ForAllValues:StringLike": {
          "dynamodb:LeadingKeys": ["writer", "fence#*", "run", "dr-drain#*"],
        },
      },
    });
  }
  const dataTables = uniq(manifests.flatMap((m) => m.stores.dynamodb.map((t) => t.tableArn)));
  if (dataTables.length > 0) {
    statements.push({
      Sid: "DrainMarkers",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: dataTables,
      // The switchover's drain marker only (string keys `dr-drain#<run>`, number keys
      // -900000000000 - epoch); binary partition keys need a grant of their own.
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["dr-drain#*", "-9000000*"] },
      },
    });
  }
  const replicators = uniq(
    manifests.flatMap((m) => m.stores.msk.replicators.map((r) => r.replicatorArn)),
  );
  if (replicators.length > 0) {
    statements.push({
      Sid: "MskReplicatorsRead",
      Effect: "Allow",
      Action: ["kafka:DescribeReplicator"],
      Resource: replicators,
    });
  }
  // The writer-only consumers' event source mappings (switched on and off) and their queues
  // (depth read for the drain).
  const consumers = manifests.flatMap((m) => writerOnlyConsumers(m).map((x) => ({ m, x })));
  if (consumers.length > 0) {
    statements.push({
      Sid: "ConsumersSwitch",
      Effect: "Allow",
      Action: ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping"],
      Resource: uniq(
        consumers.map(
          ({ m, x }) =>
            `arn:aws:lambda:${m.region}:${acct}:event-source-mapping:${x.eventSourceMappingUuid}`,
        ),
      ),
    });
    const queues = uniq(
      consumers.filter(({ x }) => x.source === "sqs").map(({ x }) => x.sourceArn),
    );
    if (queues.length > 0) {
      statements.push({
        Sid: "ConsumerQueuesDepth",
        Effect: "Allow",
        Action: ["sqs:GetQueueAttributes"],
        Resource: queues,
      });
    }
  }
  const gid = manifests.map((m) => m.stores.cache.globalReplicationGroupId).find((g) => g);
  if (gid) {
    const globalArn = `arn:aws:elasticache::${acct}:globalreplicationgroup:${gid}`;
    statements.push(
      {
        Sid: "CacheGlobalRead",
        Effect: "Allow",
        Action: ["elasticache:DescribeGlobalReplicationGroups"],
        Resource: globalArn,
      },
      {
        Sid: "CacheGlobalFailover",
        Effect: "Allow",
        Action: ["elasticache:FailoverGlobalReplicationGroup"],
        Resource: uniq([
          globalArn,
          ...manifests.map(
            (m) =>
              `arn:aws:elasticache:${m.region}:${acct}:replicationgroup:${m.stores.cache.replicationGroupId}`,
          ),
        ]),
      },
    );
  }
  statements.push({
    Sid: "HealthCheckStatusRead",
    Effect: "Allow",
    Action: ["route53:GetHealthCheckStatus"],
    Resource: uniq(
      manifests.flatMap((m) => [
        m.traffic.healthCheck.healthCheckId,
        ...(m.traffic.switch.type === "cloudwatch-gate"
          ? m.traffic.switch.gates.map((g) => g.healthCheckId)
          : []),
      ]),
    ).map((id) => `arn:aws:route53:::healthcheck/${id}`),
  });
  const controls = uniq(
    manifests.map((m) =>
      m.traffic.switch.type === "arc-routing-control"
        ? m.traffic.switch.routingControlArn
        : undefined,
    ),
  );
  if (controls.length > 0) {
    statements.push({
      Sid: "RoutingControls",
      Effect: "Allow",
      Action: [
        "route53-recovery-cluster:GetRoutingControlState",
        "route53-recovery-cluster:UpdateRoutingControlState",
        "route53-recovery-cluster:UpdateRoutingControlStates",
      ],
      Resource: controls,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
