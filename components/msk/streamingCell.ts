import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isAwsRegion, regionCode } from "../../config/regions";
import type { MskStore } from "../../manifest/schema";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
import { outOfBandProperties } from "../switchover/outOfBand";
import {
  exactTopicPattern,
  OffsetSyncMode,
  parseMskClusterArn,
  planReplicator,
  ReplicatorPlan,
  replicatorAccessPolicyDocument,
  replicatorPolicyDocument,
  StartingPosition,
  TOPIC_NAME,
} from "./replication";

export type { OffsetSyncMode, StartingPosition } from "./replication";

/** A peer's cluster, as its DR manifest publishes it (`stores.msk`). */
export interface ReplicationSource {
  clusterArn: string;
  clientSubnetIds: string[];
  securityGroupIds: string[];
  /**
   * The offset sync mode of the peer's own replicator that pulls from this cell (its
   * manifest's `stores.msk.replicators` entry whose sourceRegion is this cell's region). Leave
   * out when the peer has none yet: this cell's replicator then starts LEGACY, because AWS's
   * ENHANCED mode needs that reverse replicator.
   */
  reverseReplicatorMode?: OffsetSyncMode;
  /**
   * Where that reverse replicator started (its manifest entry's startingPosition), so this
   * cell's choice stays the same on every later `pulumi up`. Leave out when it has none.
   */
  reverseReplicatorStartingPosition?: StartingPosition;
}

/** One peer cell, known from config before the peer is deployed. */
export interface ReplicationPeer {
  /** The peer's region. */
  region: string;
  /** The peer's stack, for messages. Defaults to the region. */
  stack?: string;
  /**
   * The peer's cluster from its DR manifest. Leave out while the peer has not published one:
   * that peer's replicator is deferred (the others are built).
   */
  source?: ReplicationSource;
}

export interface StreamingCellArgs {
  identity: CellIdentity;
  /** MSK Kafka version, e.g. `3.8.x`; the same in every cell. */
  kafkaVersion: pulumi.Input<string>;
  /** Broker type, e.g. `kafka.m7g.large`. */
  brokerInstanceType: pulumi.Input<string>;
  /** Brokers in each availability zone. Defaults to 1. */
  brokersPerAz?: number;
  /**
   * Availability zones the cell spans. MSK places brokers in at most 3 AZs: with more, the
   * brokers use the first 3 subnets and a warning says so.
   */
  azCount: number;
  /** EBS storage per broker, in GiB. */
  volumeGb: pulumi.Input<number>;
  /** Topics the replicator copies, by exact name; topics are created by the replicator. */
  topics: string[];
  /** KMS key that encrypts the brokers' storage (the cell's multi-region key). */
  kmsKeyArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets, one per AZ, in AZ order. */
  subnetIds: pulumi.Input<string[]>;
  /** CIDR blocks whose clients may reach the brokers (IAM auth still applies). */
  allowedCidrBlocks: pulumi.Input<string[]>;
  /**
   * Every peer cell. The cell runs one replicator per peer, in its own region, each pulling
   * that peer's topics into this cluster, so every cell receives every other cell's records.
   * Plain values (peers' manifests are read before any resource is created), so each
   * replicator and its alarm show in a preview. Defaults to none.
   */
  peers?: ReplicationPeer[];
  /**
   * Consumer-group offset sync mode. Defaults to "ENHANCED": each replicator is ENHANCED once
   * the peer runs the reverse replicator, LEGACY until then (AWS requires the reverse for
   * ENHANCED). "LEGACY" keeps every replicator LEGACY: consumers can fail over but not back.
   */
  offsetSyncMode?: OffsetSyncMode;
  /**
   * Where a new replicator starts reading its source. Defaults per replicator (see
   * `planReplicator`): EARLIEST for the first replicator from a peer, so a cell that joins late
   * copies the peer's retained history; LATEST for an ENHANCED one that replaces a LEGACY one,
   * which has already copied that history. Set "LATEST" while converting an existing LEGACY
   * deployment (docs/cell.md, MSK). Never changes an existing replicator.
   */
  startingPosition?: StartingPosition;
  /** Compression of replicated records on the target. Defaults to "NONE". */
  targetCompressionType?: "NONE" | "GZIP" | "SNAPPY" | "LZ4" | "ZSTD";
  /** Broker CloudWatch metrics level. Defaults to "PER_TOPIC_PER_BROKER". */
  enhancedMonitoring?: "PER_BROKER" | "PER_TOPIC_PER_BROKER" | "PER_TOPIC_PER_PARTITION";
}

export interface ReplicatorOutputs {
  plan: ReplicatorPlan;
  sourceClusterArn: string;
  replicator: aws.msk.Replicator;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
}

export interface StreamingCellOutputs {
  cluster: aws.msk.Cluster;
  securityGroup: aws.ec2.SecurityGroup;
  clusterPolicy: aws.msk.ClusterPolicy;
  /** Number of brokers (AZs used x brokers per AZ). */
  brokers: number;
  /** Subnets the brokers (and a peer's replicator, on this side) attach to. */
  clientSubnetIds: pulumi.Output<string[]>;
  /** One replicator per peer whose cluster is known, in the order of `peers`. */
  replicators: ReplicatorOutputs[];
  /** What a later `pulumi up` adds or changes (deferred peers, LEGACY awaiting ENHANCED). */
  deferred: string[];
}

/** MSK places brokers in 2 or 3 availability zones. */
export const MSK_MAX_AZS = 3;

/** Ports brokers listen on: 9098 for IAM in the VPC, 14001-14100 for multi-VPC (IAM). */
const IAM_PORT = 9098;
const MULTI_VPC_IAM_PORTS = { from: 14001, to: 14100 };

/**
 * A cell's MSK cluster and one replicator per peer, each pulling that peer's topics into it.
 * Each cell runs the replicators for its own inbound directions, so the cells together
 * replicate every way; identical topic names let MSK Replicator drop records that came from
 * the other side (it marks them with headers) instead of looping them back.
 */
export function createStreamingCell(
  name: string,
  args: StreamingCellArgs,
  parent: pulumi.Resource,
): StreamingCellOutputs {
  const brokersPerAz = args.brokersPerAz ?? 1;
  const peers = args.peers ?? [];
  throwArgIssues(`dr:msk:StreamingCell ${name}`, mskArgIssues(args, brokersPerAz, peers));
  const azs = brokerAzCount(args.azCount);
  if (args.azCount > MSK_MAX_AZS) {
    void pulumi.log.warn(
      `azCount is ${args.azCount} but MSK places brokers in at most ${MSK_MAX_AZS} AZs; ` +
        `the brokers use the first ${MSK_MAX_AZS} subnets.`,
      parent,
    );
  }
  const brokers = azs * brokersPerAz;
  const tags = cellTags(args.identity);
  const clientSubnetIds = pulumi.output(args.subnetIds).apply((ids) => {
    if (ids.length < azs) {
      throw subnetCountError(ids.length, azs);
    }
    return ids.slice(0, azs);
  });

  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-securityGroup`,
    {
      name: regionalName(args.identity, "msk"),
      description: "MSK brokers: IAM clients in the VPC and MSK Replicator connections.",
      vpcId: args.vpcId,
      ingress: [
        {
          description: "Kafka clients (SASL/IAM over TLS)",
          protocol: "tcp",
          fromPort: IAM_PORT,
          toPort: IAM_PORT,
          cidrBlocks: args.allowedCidrBlocks,
        },
        {
          description: "Replicator ENIs and brokers sharing this group",
          protocol: "tcp",
          fromPort: IAM_PORT,
          toPort: IAM_PORT,
          self: true,
        },
        {
          description: "Multi-VPC private connectivity (IAM), used by cross-region replicators",
          protocol: "tcp",
          fromPort: MULTI_VPC_IAM_PORTS.from,
          toPort: MULTI_VPC_IAM_PORTS.to,
          self: true,
        },
      ],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      tags,
    },
    { parent },
  );

  const cluster = new aws.msk.Cluster(
    `${name}-cluster`,
    {
      clusterName: regionalName(args.identity, "msk"),
      kafkaVersion: args.kafkaVersion,
      numberOfBrokerNodes: brokers,
      brokerNodeGroupInfo: {
        instanceType: args.brokerInstanceType,
        clientSubnets: clientSubnetIds,
        securityGroups: [securityGroup.id],
        storageInfo: { ebsStorageInfo: { volumeSize: args.volumeGb } },
        connectivityInfo: {
          // A cross-region replicator reaches its source through multi-VPC connectivity. MSK
          // refuses it in CreateCluster; the provider creates the cluster without it and then
          // calls UpdateConnectivity, so the first `pulumi up` takes longer than a plain cluster.
          vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } },
        },
      },
      clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: args.kmsKeyArn,
        encryptionInTransit: { clientBroker: "TLS", inCluster: true },
      },
      enhancedMonitoring: args.enhancedMonitoring ?? "PER_TOPIC_PER_BROKER",
      tags,
    },
    { parent, ignoreChanges: outOfBandProperties("aws:msk/cluster:Cluster") },
  );

  const clusterPolicy = new aws.msk.ClusterPolicy(
    `${name}-clusterPolicy`,
    {
      clusterArn: cluster.arn,
      policy: cluster.arn.apply((arn) => JSON.stringify(replicatorAccessPolicyDocument(arn))),
    },
    { parent },
  );

  const clusterName = regionalName(args.identity, "msk");
  const topics = args.topics.join(", ");
  const deferred: string[] = [];
  const replicators: ReplicatorOutputs[] = [];
  // The peer the single replicator of earlier versions pulled from keeps its resources.
  const formerSinglePeer = peers.find((p) => p.source);
  for (const peer of peers) {
    const label = peer.stack ?? peer.region;
    if (!peer.source) {
      deferred.push(
        `MSK Replicator from ${peer.region} into ${clusterName} (topics ${topics}): the peer's cluster is not known yet; ` +
          `run \`pulumi up\` again once ${label}'s DR manifest publishes stores.msk.`,
      );
      continue;
    }
    const plan = planReplicator({
      baseName: regionalName(args.identity, `msk-from-${regionCode(peer.region)}`),
      sourceRegion: peer.region,
      reverseMode: peer.source.reverseReplicatorMode,
      reverseStartingPosition: peer.source.reverseReplicatorStartingPosition,
      desiredMode: args.offsetSyncMode,
      startingPosition: args.startingPosition,
    });
    if (plan.pendingEnhanced) {
      deferred.push(
        `MSK Replicator from ${peer.region} into ${clusterName} uses LEGACY offset sync (consumers can fail over here but not back) ` +
          `until ${label} replicates from ${args.identity.region}; run \`pulumi up\` again after ${label}'s next \`pulumi up\` to replace it with ENHANCED.`,
      );
    }
    replicators.push(
      createReplicator(
        name,
        args,
        { plan, source: peer.source, cluster, securityGroup, clientSubnetIds },
        { parent, formerSinglePeer: peer === formerSinglePeer },
      ),
    );
  }
  for (const note of deferred) void pulumi.log.info(note, parent);

  return { cluster, securityGroup, clusterPolicy, brokers, clientSubnetIds, replicators, deferred };
}

/** AZs the brokers span: the cell's AZs, capped at MSK's maximum. */
export function brokerAzCount(azCount: number): number {
  return Math.min(azCount, MSK_MAX_AZS);
}

function createReplicator(
  name: string,
  args: StreamingCellArgs,
  target: {
    plan: ReplicatorPlan;
    source: ReplicationSource;
    cluster: aws.msk.Cluster;
    securityGroup: aws.ec2.SecurityGroup;
    clientSubnetIds: pulumi.Output<string[]>;
  },
  opts: { parent: pulumi.Resource; formerSinglePeer: boolean },
): ReplicatorOutputs {
  const { plan, source, cluster } = target;
  const { parent } = opts;
  const sourceRegion = plan.sourceRegion;
  const code = regionCode(sourceRegion);
  const tags = cellTags(args.identity, { "dr:replicates-from": sourceRegion });
  const account = aws.getCallerIdentityOutput({}, { parent });
  // Earlier versions had one replicator, role and policy without the peer in their names.
  const formerly = (role: string) =>
    opts.formerSinglePeer ? { aliases: [{ name: `${name}-${role}` }] } : {};

  const role = new aws.iam.Role(
    `${name}-replicatorRole-${code}`,
    {
      name: plan.roleName,
      description: `MSK Replicator execution role: ${sourceRegion} -> ${args.identity.region}`,
      assumeRolePolicy: account.accountId.apply((accountId) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "kafka.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
          ],
        }),
      ),
      tags,
    },
    { parent, ...formerly("replicatorRole") },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-replicatorPolicy-${code}`,
    {
      role: role.id,
      // ENHANCED's internal topics (mskr-offset-syncs.*, *.checkpoints.internal) live in the
      // two clusters and are covered already: AWS documents the same permissions for both modes.
      policy: cluster.arn.apply((targetArn) =>
        JSON.stringify(replicatorPolicyDocument(source.clusterArn, targetArn)),
      ),
    },
    { parent, ...formerly("replicatorPolicy") },
  );

  // LEGACY and ENHANCED are separate resources: the mode cannot change on a replicator, and a
  // new logical name makes Pulumi create the ENHANCED one before it deletes the LEGACY one.
  const enhanced = plan.offsetSyncMode === "ENHANCED";
  const replicator = new aws.msk.Replicator(
    enhanced ? `${name}-replicatorEnhanced-${code}` : `${name}-replicator-${code}`,
    {
      replicatorName: plan.replicatorName,
      description: `Pulls ${args.topics.join(", ")} from ${sourceRegion} into ${args.identity.region} (${plan.offsetSyncMode} offset sync).`,
      serviceExecutionRoleArn: role.arn,
      kafkaClusters: [
        {
          amazonMskCluster: { mskClusterArn: source.clusterArn },
          vpcConfig: {
            subnetIds: source.clientSubnetIds,
            securityGroupsIds: source.securityGroupIds,
          },
        },
        {
          amazonMskCluster: { mskClusterArn: cluster.arn },
          vpcConfig: {
            subnetIds: target.clientSubnetIds,
            securityGroupsIds: [target.securityGroup.id],
          },
        },
      ],
      replicationInfoList: {
        sourceKafkaClusterArn: source.clusterArn,
        targetKafkaClusterArn: cluster.arn,
        targetCompressionType: args.targetCompressionType ?? "NONE",
        topicReplications: [
          {
            topicsToReplicates: args.topics.map(exactTopicPattern),
            // Identical names keep records from looping back to the cluster they came from
            // (MSK Replicator marks them with headers), and ENHANCED requires them.
            topicNameConfiguration: { type: "IDENTICAL" },
            startingPosition: { type: plan.startingPosition },
            detectAndCopyNewTopics: true,
            copyTopicConfigurations: true,
            copyAccessControlListsForTopics: true,
          },
        ],
        consumerGroupReplications: [
          {
            consumerGroupsToReplicates: [".*"],
            detectAndCopyNewConsumerGroups: true,
            synchroniseConsumerGroupOffsets: true,
            consumerGroupOffsetSyncMode: plan.offsetSyncMode,
          },
        ],
      },
      tags,
    },
    {
      parent,
      dependsOn: [rolePolicy],
      // The starting position matters at creation only; a later default must not replace it.
      ignoreChanges: [
        ...outOfBandProperties("aws:msk/replicator:Replicator"),
        "replicationInfoList.topicReplications[0].startingPosition",
      ],
      ...(enhanced ? {} : formerly("replicator")),
    },
  );
  return { plan, sourceClusterArn: source.clusterArn, replicator, role, rolePolicy };
}

/** An error on one argument; the message starts with the argument's path so it reads alone. */
function inputError(propertyPath: string, reason: string): pulumi.InputPropertyError {
  return new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath} ${reason}` });
}

function subnetCountError(count: number, azs: number): pulumi.InputPropertyError {
  return inputError(
    "subnetIds",
    `has ${count} subnets but the brokers span ${azs} AZs; pass one private subnet per AZ.`,
  );
}

/** Every problem with the streaming cell's args, each naming the arg and the fix. */
export function mskArgIssues(
  args: StreamingCellArgs,
  brokersPerAz: number,
  peers: ReplicationPeer[],
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) =>
    issues.push({ propertyPath, reason: `${propertyPath} ${reason}` });
  if (!Number.isInteger(args.azCount) || args.azCount < 2) {
    add(
      "azCount",
      `is ${args.azCount}; MSK needs brokers in at least 2 AZs (use 3 so one AZ loss keeps a quorum).`,
    );
  }
  if (!Number.isInteger(brokersPerAz) || brokersPerAz < 1 || brokersPerAz > 10) {
    add("brokersPerAz", `is ${brokersPerAz}; use a whole number from 1 to 10.`);
  }
  if (brokerAzCount(args.azCount) * brokersPerAz < 3) {
    add(
      "brokersPerAz",
      `is ${brokersPerAz} with azCount ${args.azCount}, fewer than 3 brokers; ` +
        "MSK Replicator needs a source cluster of at least 3 brokers. Raise azCount or brokersPerAz.",
    );
  }
  const azs = brokerAzCount(args.azCount);
  if (Array.isArray(args.subnetIds) && args.subnetIds.length < azs) {
    add(
      "subnetIds",
      `has ${args.subnetIds.length} subnets but the brokers span ${azs} AZs; pass one private subnet per AZ.`,
    );
  }
  if (args.topics.length === 0) {
    add("topics", "is empty; list at least one topic for the replicator to copy.");
  }
  args.topics.forEach((topic, i) => {
    if (!TOPIC_NAME.test(topic)) {
      add(
        `topics[${i}]`,
        `'${topic}' is not a Kafka topic name; use 1-249 characters of a-z, A-Z, 0-9, '.', '_' or '-'.`,
      );
    } else if (args.topics.indexOf(topic) !== i) {
      add(`topics[${i}]`, `'${topic}' is listed twice; list each topic once.`);
    }
  });
  validatePeers(args, peers, add);
  if (typeof args.kafkaVersion === "string" && !supportsReplicator(args.kafkaVersion)) {
    add(
      "kafkaVersion",
      `'${args.kafkaVersion}' cannot use multi-VPC connectivity or MSK Replicator; use 2.7.1 or later, e.g. 3.8.x.`,
    );
  }
  return issues;
}

/** Multi-VPC private connectivity (needed by a cross-region replicator) starts at 2.7.1. */
function supportsReplicator(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+|x)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const patch = m[3] === "x" ? Number.MAX_SAFE_INTEGER : Number(m[3]);
  if (major !== 2) return major > 2;
  return minor > 7 || (minor === 7 && patch >= 1);
}

function validatePeers(
  args: StreamingCellArgs,
  peers: ReplicationPeer[],
  add: (propertyPath: string, reason: string) => void,
): void {
  const accounts = new Map<string, string>();
  peers.forEach((peer, i) => {
    const key = `peers[${i}]`;
    if (!isAwsRegion(peer.region)) {
      add(`${key}.region`, `'${peer.region}' is not an AWS region such as eu-west-1.`);
    } else if (peer.region === args.identity.region) {
      add(
        `${key}.region`,
        `is this cell's own region (${peer.region}); list only the other cells.`,
      );
    } else if (peers.findIndex((p) => p.region === peer.region) !== i) {
      add(`${key}.region`, `'${peer.region}' is listed twice; list each peer once.`);
    }
    const source = peer.source;
    if (!source) return;
    const at = `${key}.source`;
    const parsed = parseMskClusterArn(source.clusterArn);
    if (!parsed) {
      add(
        `${at}.clusterArn`,
        `'${source.clusterArn}' is not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>); pass the peer manifest's stores.msk.clusterArn.`,
      );
    } else if (parsed.region === args.identity.region) {
      add(
        `${at}.clusterArn`,
        `is in ${args.identity.region}, this cell's own region; the source must be the peer cell's cluster.`,
      );
    } else if (parsed.region !== peer.region) {
      add(
        `${at}.clusterArn`,
        `is in ${parsed.region} but ${key}.region is ${peer.region}; pass that peer's own stores.msk.`,
      );
    }
    // MSK Replicator copies between clusters of one account.
    if (parsed) {
      const [firstAccount, firstAt] = accounts.entries().next().value ?? [];
      if (firstAccount !== undefined && firstAccount !== parsed.accountId) {
        add(
          `${at}.clusterArn`,
          `is in account ${parsed.accountId} but ${firstAt} is in account ${firstAccount}; MSK Replicator copies within one account, so every cell must be in the same account.`,
        );
      }
      if (!accounts.has(parsed.accountId)) accounts.set(parsed.accountId, `${at}.clusterArn`);
    }
    for (const field of ["clientSubnetIds", "securityGroupIds"] as const) {
      if (!Array.isArray(source[field]) || source[field].length === 0) {
        add(
          `${at}.${field}`,
          `is empty; pass the peer manifest's stores.msk.${field} (the replicator attaches to the peer's VPC there).`,
        );
      }
    }
    const mode = source.reverseReplicatorMode;
    if (mode !== undefined && mode !== "LEGACY" && mode !== "ENHANCED") {
      add(
        `${at}.reverseReplicatorMode`,
        `is '${String(mode)}'; pass the offsetSyncMode of the peer's replicator from ${args.identity.region} ("LEGACY" or "ENHANCED"), or leave it out when the peer has none.`,
      );
    }
    const start = source.reverseReplicatorStartingPosition;
    if (start !== undefined && start !== "EARLIEST" && start !== "LATEST") {
      add(
        `${at}.reverseReplicatorStartingPosition`,
        `is '${String(start)}'; pass the startingPosition of the peer's replicator from ${args.identity.region} ("EARLIEST" or "LATEST"), or leave it out.`,
      );
    }
  });
  const desired = args.offsetSyncMode;
  if (desired !== undefined && desired !== "LEGACY" && desired !== "ENHANCED") {
    add("offsetSyncMode", `is '${String(desired)}'; use "ENHANCED" or "LEGACY".`);
  }
}

/** A replicator this cell runs, as known before any resource is created (for alarms). */
export interface PlannedReplicator {
  sourceRegion: string;
  replicatorName: string;
  offsetSyncMode: OffsetSyncMode;
}

/** A cell's MSK cluster, its replicator access policy and one replicator per peer. */
export class StreamingCell extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly bootstrapBrokersIam: pulumi.Output<string>;
  readonly clientSubnetIds: pulumi.Output<string[]>;
  readonly securityGroupIds: pulumi.Output<string[]>;
  readonly brokers: pulumi.Output<number>;
  /** The replicators, as plain values: pass them to CellObservability so its alarms are known at preview. */
  readonly plannedReplicators: PlannedReplicator[];
  /** What a later `pulumi up` adds or changes, for the manifest's `deferred` list. */
  readonly deferredNotes: string[];
  readonly deferred: pulumi.Output<string[]>;
  /** The DR manifest's `stores.msk` section, ready to publish. */
  readonly manifestMsk: pulumi.Output<MskStore>;

  constructor(name: string, args: StreamingCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:msk:StreamingCell", name, {}, opts);
    const out = createStreamingCell(name, args, this);
    this.clusterArn = out.cluster.arn;
    this.clusterName = out.cluster.clusterName;
    this.bootstrapBrokersIam = out.cluster.bootstrapBrokersSaslIam;
    this.clientSubnetIds = out.clientSubnetIds;
    this.securityGroupIds = pulumi.output([out.securityGroup.id]);
    this.brokers = pulumi.output(out.brokers);
    this.plannedReplicators = out.replicators.map(({ plan }) => ({
      sourceRegion: plan.sourceRegion,
      replicatorName: plan.replicatorName,
      offsetSyncMode: plan.offsetSyncMode,
    }));
    this.deferredNotes = out.deferred;
    this.deferred = pulumi.output(out.deferred);
    const replicators = pulumi.all(
      out.replicators.map((r) =>
        r.replicator.arn.apply((replicatorArn) => ({
          sourceRegion: r.plan.sourceRegion,
          sourceClusterArn: r.sourceClusterArn,
          replicatorArn,
          replicatorName: r.plan.replicatorName,
          offsetSyncMode: r.plan.offsetSyncMode,
          startingPosition: r.plan.startingPosition,
        })),
      ),
    );
    this.manifestMsk = pulumi
      .output({
        clusterArn: this.clusterArn,
        clusterName: this.clusterName,
        kafkaVersion: pulumi.output(args.kafkaVersion),
        bootstrapBrokersIam: this.bootstrapBrokersIam,
        clientSubnetIds: this.clientSubnetIds,
        securityGroupIds: this.securityGroupIds,
        brokerInstanceType: pulumi.output(args.brokerInstanceType),
        replicators,
      })
      .apply((v): MskStore => ({ ...v, topics: [...args.topics], brokers: out.brokers }));
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      bootstrapBrokersIam: this.bootstrapBrokersIam,
      clientSubnetIds: this.clientSubnetIds,
      securityGroupIds: this.securityGroupIds,
      brokers: this.brokers,
      replicators,
      deferred: this.deferred,
      manifestMsk: this.manifestMsk,
    });
  }
}
