/*
 * Pure helpers for MSK Replicator: the IAM scoping and the replication settings. Kept apart
 * from the component so tests can check them directly and the failover commands can reuse the
 * ARN parsing.
 */

/** The parts of an MSK cluster ARN: `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`. */
export interface MskClusterArnParts {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  clusterUuid: string;
}

const CLUSTER_ARN = /^arn:(aws[\w-]*):kafka:([a-z0-9-]+):(\d{12}):cluster\/([^/]+)\/([^/]+)$/;

/** Parses an MSK cluster ARN; undefined when the text is not one. */
export function parseMskClusterArn(arn: string): MskClusterArnParts | undefined {
  const m = CLUSTER_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition, region, accountId, clusterName, clusterUuid] = m;
  return { partition, region, accountId, clusterName, clusterUuid };
}

/**
 * The IAM resources the replicator's execution role needs on one cluster. IAM access control
 * for Kafka names topics and groups under the cluster's name and uuid, so the role can be
 * scoped to exactly the two clusters it joins instead of `cluster/*` (the managed policy).
 */
export function kafkaResourceArns(clusterArn: string): {
  cluster: string;
  topics: string;
  groups: string;
} {
  const p = parseMskClusterArn(clusterArn);
  if (!p) throw new Error(`'${clusterArn}' is not an MSK cluster ARN.`);
  const base = `arn:${p.partition}:kafka:${p.region}:${p.accountId}`;
  return {
    cluster: clusterArn,
    topics: `${base}:topic/${p.clusterName}/${p.clusterUuid}/*`,
    groups: `${base}:group/${p.clusterName}/${p.clusterUuid}/*`,
  };
}

/** Kafka actions the replicator performs on both clusters (AWSMSKReplicatorExecutionRole). */
const CLUSTER_ACTIONS = [
  "kafka-cluster:Connect",
  "kafka-cluster:DescribeCluster",
  "kafka-cluster:AlterCluster",
  "kafka-cluster:DescribeTopic",
  "kafka-cluster:CreateTopic",
  "kafka-cluster:AlterTopic",
  "kafka-cluster:WriteData",
  "kafka-cluster:ReadData",
  "kafka-cluster:AlterGroup",
  "kafka-cluster:DescribeGroup",
  "kafka-cluster:DescribeTopicDynamicConfiguration",
  "kafka-cluster:AlterTopicDynamicConfiguration",
  "kafka-cluster:WriteDataIdempotently",
];
const TOPIC_ACTIONS = [
  "kafka-cluster:DescribeTopic",
  "kafka-cluster:CreateTopic",
  "kafka-cluster:AlterTopic",
  "kafka-cluster:WriteData",
  "kafka-cluster:ReadData",
  "kafka-cluster:DescribeTopicDynamicConfiguration",
  "kafka-cluster:AlterTopicDynamicConfiguration",
  "kafka-cluster:AlterCluster",
];
const GROUP_ACTIONS = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"];

/** The execution role's policy document, scoped to the source and target clusters. */
export function replicatorPolicyDocument(sourceClusterArn: string, targetClusterArn: string) {
  const source = kafkaResourceArns(sourceClusterArn);
  const target = kafkaResourceArns(targetClusterArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ClusterPermissions",
        Effect: "Allow",
        Action: CLUSTER_ACTIONS,
        Resource: [source.cluster, target.cluster],
      },
      {
        Sid: "TopicPermissions",
        Effect: "Allow",
        Action: TOPIC_ACTIONS,
        Resource: [source.topics, target.topics],
      },
      {
        Sid: "GroupPermissions",
        Effect: "Allow",
        Action: GROUP_ACTIONS,
        Resource: [source.groups, target.groups],
      },
      {
        // The replicator removes the internal topics it created when it is deleted.
        Sid: "InternalTopicCleanup",
        Effect: "Allow",
        Action: ["kafka-cluster:DeleteTopic"],
        Resource: [source.topics, target.topics],
      },
    ],
  };
}

/**
 * The cluster policy that lets MSK Replicator in another region read this cluster: without
 * it a cross-region replicator cannot create its VPC connection to the source.
 */
export function replicatorAccessPolicyDocument(clusterArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MskReplicatorReadsThisCluster",
        Effect: "Allow",
        Principal: { Service: ["kafka.amazonaws.com"] },
        Action: [
          "kafka:CreateVpcConnection",
          "kafka:GetBootstrapBrokers",
          "kafka:DescribeClusterV2",
        ],
        Resource: clusterArn,
      },
    ],
  };
}

/** An exact-match pattern for a topic name (MSK Replicator takes regular expressions). */
export function exactTopicPattern(topic: string): string {
  return `^${topic.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
}

/** Kafka's own rule for topic names. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export type OffsetSyncMode = "LEGACY" | "ENHANCED";
export type StartingPosition = "EARLIEST" | "LATEST";

/** What one replicator into this cell looks like, decided from plain values before any resource. */
export interface ReplicatorPlan {
  sourceRegion: string;
  /** The replicator's name (CloudWatch's ReplicatorName dimension). */
  replicatorName: string;
  /** The execution role's name: the same for both modes, so a mode change keeps the role. */
  roleName: string;
  offsetSyncMode: OffsetSyncMode;
  startingPosition: StartingPosition;
  /** Set while the replicator is LEGACY only because the reverse replicator does not exist yet. */
  pendingEnhanced: boolean;
}

/**
 * Decides a replicator's offset sync mode and starting position.
 *
 * ENHANCED is what lets consumers fail back, and AWS requires the reverse replicator (target to
 * source) and identical topic names for it. The reverse is known from the peer's manifest, so a
 * replicator is ENHANCED once the peer replicates from this cell and LEGACY until then.
 *
 * Offset sync mode and starting position cannot change on a replicator: ENHANCED is a new
 * replicator (its own name, created before the LEGACY one is deleted, so nothing is missed).
 * Of a pair's two ENHANCED replicators, the first is made while the peer's reverse is LEGACY:
 * this cell had none from the peer yet, so it starts at EARLIEST and a cell that joins late gets
 * the peer's retained history. The second is made when the reverse is ENHANCED and started at
 * EARLIEST: it replaces a LEGACY replicator that has copied the peer's topics already, so it
 * starts at LATEST (EARLIEST would copy them twice). Reading the reverse's starting position
 * keeps the answer the same on every later `pulumi up` (the first one sees a LATEST reverse).
 * `startingPosition` overrides both.
 */
export function planReplicator(input: {
  /** The LEGACY replicator's name and the role's: `<app>-<cell>-msk-from-<peer code>`. */
  baseName: string;
  sourceRegion: string;
  /** The offset sync mode of the peer's replicator from this cell; undefined if it has none. */
  reverseMode: OffsetSyncMode | undefined;
  /** Where the peer's replicator from this cell started; undefined if unknown. */
  reverseStartingPosition?: StartingPosition;
  /** "LEGACY" keeps every replicator on LEGACY. Defaults to "ENHANCED". */
  desiredMode?: OffsetSyncMode;
  startingPosition?: StartingPosition;
}): ReplicatorPlan {
  const roleName = input.baseName;
  const enhanced = (input.desiredMode ?? "ENHANCED") === "ENHANCED" && !!input.reverseMode;
  return {
    sourceRegion: input.sourceRegion,
    replicatorName: enhanced ? `${roleName}-enhanced` : roleName,
    roleName,
    offsetSyncMode: enhanced ? "ENHANCED" : "LEGACY",
    startingPosition:
      input.startingPosition ??
      (enhanced && input.reverseMode === "ENHANCED" && input.reverseStartingPosition !== "LATEST"
        ? "LATEST"
        : "EARLIEST"),
    pendingEnhanced: (input.desiredMode ?? "ENHANCED") === "ENHANCED" && !input.reverseMode,
  };
}
