import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../../config/regions";
import type { MskStore } from "../../manifest/schema";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import {
  exactTopicPattern,
  parseMskClusterArn,
  replicatorAccessPolicyDocument,
  replicatorPolicyDocument,
  TOPIC_NAME,
} from "./replication";

/** The peer's cluster, as its DR manifest publishes it (`stores.msk`). */
export interface ReplicationSource {
  clusterArn: string;
  clientSubnetIds: string[];
  securityGroupIds: string[];
}

export type OffsetSyncMode = "LEGACY" | "ENHANCED";

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
   * The peer's cluster, read from the peer's DR manifest. Undefined (or an Output resolving to
   * undefined/null) on a first deploy, before the peer exists: no replicator is created and
   * `replicatorDeferred` is true until a later `pulumi up` reads the peer's manifest.
   */
  source?: pulumi.Input<ReplicationSource | undefined | null>;
  /**
   * Consumer-group offset sync mode. Defaults to "LEGACY", which AWS accepts whether or not
   * the reverse replicator exists yet; with a replicator in each direction it syncs offsets
   * both ways as long as producers and consumers move together. "ENHANCED" syncs regardless of
   * where producers write but requires the reverse replicator (and is ForceNew).
   */
  offsetSyncMode?: OffsetSyncMode;
  /**
   * Where a new replicator starts reading the source. Defaults to "EARLIEST": a cell that
   * joins late copies the peer's retained history, not only what is produced after it joins.
   */
  startingPosition?: "EARLIEST" | "LATEST";
  /** Compression of replicated records on the target. Defaults to "NONE". */
  targetCompressionType?: "NONE" | "GZIP" | "SNAPPY" | "LZ4" | "ZSTD";
  /** Broker CloudWatch metrics level. Defaults to "PER_TOPIC_PER_BROKER". */
  enhancedMonitoring?: "PER_BROKER" | "PER_TOPIC_PER_BROKER" | "PER_TOPIC_PER_PARTITION";
}

export interface ReplicatorOutputs {
  replicator: aws.msk.Replicator;
  role: aws.iam.Role;
  rolePolicy: aws.iam.RolePolicy;
  replicatorName: string;
  sourceClusterArn: string;
}

export interface StreamingCellOutputs {
  cluster: aws.msk.Cluster;
  securityGroup: aws.ec2.SecurityGroup;
  clusterPolicy: aws.msk.ClusterPolicy;
  /** Number of brokers (AZs used x brokers per AZ). */
  brokers: number;
  /** Subnets the brokers (and a peer's replicator, on this side) attach to. */
  clientSubnetIds: pulumi.Output<string[]>;
  /** The replicator pulling from the peer; resolves to undefined while deferred. */
  replicator: pulumi.Output<ReplicatorOutputs | undefined>;
  /** What a later `pulumi up` adds (empty once the replicator exists), for the manifest. */
  deferred: pulumi.Output<string[]>;
}

/** MSK places brokers in 2 or 3 availability zones. */
export const MSK_MAX_AZS = 3;

/** Ports brokers listen on: 9098 for IAM in the VPC, 14001-14100 for multi-VPC (IAM). */
const IAM_PORT = 9098;
const MULTI_VPC_IAM_PORTS = { from: 14001, to: 14100 };

/**
 * A cell's MSK cluster and the replicator that pulls the peer's topics into it. Each cell runs
 * the replicator for its own inbound direction, so the two cells together replicate both ways;
 * identical topic names let MSK Replicator drop records that came from the other side (it
 * marks them with headers) instead of looping them back.
 */
export function createStreamingCell(
  name: string,
  args: StreamingCellArgs,
  parent: pulumi.Resource,
): StreamingCellOutputs {
  const brokersPerAz = args.brokersPerAz ?? 1;
  validateArgs(args, brokersPerAz, parent);
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
  if (Array.isArray(args.subnetIds) && args.subnetIds.length < azs) {
    throw subnetCountError(args.subnetIds.length, azs);
  }
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

  const replicator = whenPresent(args.source, (source) =>
    createReplicator(name, args, { source, cluster, securityGroup, clientSubnetIds }, parent),
  );

  const deferred = replicator.apply((r) => {
    if (r) return [];
    const note =
      `MSK Replicator into ${regionalName(args.identity, "msk")} (topics ${args.topics.join(", ")}): ` +
      "the peer's cluster is not known yet; run `pulumi up` again once the peer stack's " +
      "DR manifest publishes stores.msk.";
    void pulumi.log.info(note, parent);
    return [note];
  });

  return { cluster, securityGroup, clusterPolicy, brokers, clientSubnetIds, replicator, deferred };
}

/** AZs the brokers span: the cell's AZs, capped at MSK's maximum. */
export function brokerAzCount(azCount: number): number {
  return Math.min(azCount, MSK_MAX_AZS);
}

function createReplicator(
  name: string,
  args: StreamingCellArgs,
  target: {
    source: ReplicationSource;
    cluster: aws.msk.Cluster;
    securityGroup: aws.ec2.SecurityGroup;
    clientSubnetIds: pulumi.Output<string[]>;
  },
  parent: pulumi.Resource,
): ReplicatorOutputs {
  const { source, cluster } = target;
  validateSource(source, args.identity);
  const sourceRegion = parseMskClusterArn(source.clusterArn)!.region;
  const tags = cellTags(args.identity, { "dr:replicates-from": sourceRegion });
  const replicatorName = regionalName(args.identity, `msk-from-${regionCode(sourceRegion)}`);
  const account = aws.getCallerIdentityOutput({}, { parent });

  const role = new aws.iam.Role(
    `${name}-replicatorRole`,
    {
      name: replicatorName,
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
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-replicatorPolicy`,
    {
      role: role.id,
      policy: cluster.arn.apply((targetArn) =>
        JSON.stringify(replicatorPolicyDocument(source.clusterArn, targetArn)),
      ),
    },
    { parent },
  );

  const replicator = new aws.msk.Replicator(
    `${name}-replicator`,
    {
      replicatorName,
      description: `Pulls ${args.topics.join(", ")} from ${sourceRegion} into ${args.identity.region}.`,
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
            // Identical names are what keeps the two directions from looping records.
            topicNameConfiguration: { type: "IDENTICAL" },
            startingPosition: { type: args.startingPosition ?? "EARLIEST" },
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
            consumerGroupOffsetSyncMode: args.offsetSyncMode ?? "LEGACY",
          },
        ],
      },
      tags,
    },
    {
      parent,
      dependsOn: [rolePolicy],
      ignoreChanges: outOfBandProperties("aws:msk/replicator:Replicator"),
    },
  );
  return { replicator, role, rolePolicy, replicatorName, sourceClusterArn: source.clusterArn };
}

/**
 * Runs `build` on the value of an optional input. A plain value (what a lead passes after
 * awaiting the peer's manifest) builds now; an Output builds once it resolves, which a preview
 * shows only when the value is known (StackReference outputs are).
 */
function whenPresent<T, R>(
  input: pulumi.Input<T | undefined | null> | undefined,
  build: (value: T) => R,
): pulumi.Output<R | undefined> {
  if (input === undefined || input === null) return pulumi.output(undefined);
  if (pulumi.Output.isInstance(input) || input instanceof Promise) {
    return pulumi
      .output(input as pulumi.Input<T | undefined | null>)
      .apply((v) => (v === undefined || v === null ? undefined : build(v as T)));
  }
  const built = build(input as T);
  return pulumi.output(undefined).apply(() => built);
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

function validateArgs(args: StreamingCellArgs, brokersPerAz: number, parent: pulumi.Resource) {
  if (!Number.isInteger(args.azCount) || args.azCount < 2) {
    throw inputError(
      "azCount",
      `is ${args.azCount}; MSK needs brokers in at least 2 AZs (use 3 so one AZ loss keeps a quorum).`,
    );
  }
  if (!Number.isInteger(brokersPerAz) || brokersPerAz < 1 || brokersPerAz > 10) {
    throw inputError("brokersPerAz", `is ${brokersPerAz}; use a whole number from 1 to 10.`);
  }
  if (brokerAzCount(args.azCount) * brokersPerAz < 3) {
    throw new pulumi.ResourceError(
      `azCount ${args.azCount} x brokersPerAz ${brokersPerAz} gives fewer than 3 brokers; ` +
        "MSK Replicator needs a source cluster of at least 3 brokers. Raise azCount or brokersPerAz.",
      parent,
    );
  }
  if (args.topics.length === 0) {
    throw inputError("topics", "is empty; list at least one topic for the replicator to copy.");
  }
  args.topics.forEach((topic, i) => {
    if (!TOPIC_NAME.test(topic)) {
      throw inputError(
        `topics[${i}]`,
        `'${topic}' is not a Kafka topic name; use 1-249 characters of a-z, A-Z, 0-9, '.', '_' or '-'.`,
      );
    }
    if (args.topics.indexOf(topic) !== i) {
      throw inputError(`topics[${i}]`, `'${topic}' is listed twice; list each topic once.`);
    }
  });
  const source = args.source;
  if (source && !pulumi.Output.isInstance(source) && !(source instanceof Promise)) {
    validateSource(source as ReplicationSource, args.identity);
  }
  if (typeof args.kafkaVersion === "string" && !supportsReplicator(args.kafkaVersion)) {
    throw inputError(
      "kafkaVersion",
      `'${args.kafkaVersion}' cannot use multi-VPC connectivity or MSK Replicator; use 2.7.1 or later, e.g. 3.8.x.`,
    );
  }
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

function validateSource(source: ReplicationSource, identity: CellIdentity): void {
  const parsed = parseMskClusterArn(source.clusterArn);
  if (!parsed) {
    throw inputError(
      "source.clusterArn",
      `'${source.clusterArn}' is not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>); pass the peer manifest's stores.msk.clusterArn.`,
    );
  }
  if (parsed.region === identity.region) {
    throw inputError(
      "source.clusterArn",
      `is in ${identity.region}, this cell's own region; the source must be the peer cell's cluster.`,
    );
  }
  for (const key of ["clientSubnetIds", "securityGroupIds"] as const) {
    if (!Array.isArray(source[key]) || source[key].length === 0) {
      throw inputError(
        `source.${key}`,
        `is empty; pass the peer manifest's stores.msk.${key} (the replicator attaches to the peer's VPC there).`,
      );
    }
  }
}

/** A cell's MSK cluster, its replicator access policy and the replicator pulling from the peer. */
export class StreamingCell extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly bootstrapBrokersIam: pulumi.Output<string>;
  readonly clientSubnetIds: pulumi.Output<string[]>;
  readonly securityGroupIds: pulumi.Output<string[]>;
  readonly brokers: pulumi.Output<number>;
  /** Null while deferred (no peer cluster yet). */
  readonly replicatorArn: pulumi.Output<string | null>;
  readonly replicatorName: pulumi.Output<string | null>;
  readonly sourceClusterArn: pulumi.Output<string | null>;
  /** True when no replicator was created because the peer's cluster is not known yet. */
  readonly replicatorDeferred: pulumi.Output<boolean>;
  /** What a second `pulumi up` will add, for the manifest's `deferred` list. */
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
    this.replicatorArn = out.replicator.apply((r) =>
      r ? r.replicator.arn : pulumi.output<string | null>(null),
    );
    this.replicatorName = out.replicator.apply((r) => r?.replicatorName ?? null);
    this.sourceClusterArn = out.replicator.apply((r) => r?.sourceClusterArn ?? null);
    this.replicatorDeferred = out.replicator.apply((r) => r === undefined);
    this.deferred = out.deferred;
    this.manifestMsk = pulumi
      .output({
        clusterArn: this.clusterArn,
        clusterName: this.clusterName,
        kafkaVersion: pulumi.output(args.kafkaVersion),
        bootstrapBrokersIam: this.bootstrapBrokersIam,
        clientSubnetIds: this.clientSubnetIds,
        securityGroupIds: this.securityGroupIds,
        brokerInstanceType: pulumi.output(args.brokerInstanceType),
        replicatorArn: this.replicatorArn,
        sourceClusterArn: this.sourceClusterArn,
      })
      .apply((v): MskStore => ({ ...v, topics: [...args.topics], brokers: out.brokers }));
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      bootstrapBrokersIam: this.bootstrapBrokersIam,
      clientSubnetIds: this.clientSubnetIds,
      securityGroupIds: this.securityGroupIds,
      brokers: this.brokers,
      replicatorArn: this.replicatorArn,
      replicatorName: this.replicatorName,
      sourceClusterArn: this.sourceClusterArn,
      replicatorDeferred: this.replicatorDeferred,
      deferred: this.deferred,
      manifestMsk: this.manifestMsk,
    });
  }
}
