import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags } from "../naming";
import { isKnown, throwArgIssues } from "../../validation/componentArgs";
import { destinationIssues, ReplicationDestination } from "./destinations";

export interface ReplicatedBucketArgs {
  identity: CellIdentity;
  /** This region's KMS key: default encryption of the bucket (with an S3 Bucket Key). */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * The peer cells' buckets to replicate to, from their DR manifests. Empty on a first deploy
   * whose peers do not exist yet: the bucket is created without replication and
   * `replicationDeferred` says so; a later `pulumi up` adds it.
   */
  destinations: pulumi.Input<ReplicationDestination[]>;
  /**
   * S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, with an SLA,
   * at extra cost. Defaults to false (replication metrics are on either way).
   */
  replicationTimeControl?: boolean;
}

export interface BucketReplication {
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
  configuration: aws.s3.BucketReplicationConfig;
}

export interface ReplicatedBucketOutputs {
  bucket: aws.s3.Bucket;
  versioning: aws.s3.BucketVersioning;
  /**
   * The replication resources; undefined while there are no destinations, and when the
   * destinations arrive as an Output (the resources are then created once it resolves).
   */
  replication?: BucketReplication;
  replicationDestinations: pulumi.Output<string[]>;
  replicationDeferred: pulumi.Output<boolean>;
}

/**
 * A versioned, KMS-encrypted, private bucket that replicates every object, delete marker and
 * metadata change to the same bucket of each peer cell. With two cells each replicating to
 * the other, the pair is bidirectional: replica-modification sync keeps metadata in step and
 * S3 does not replicate replicas back, so there is no loop.
 */
export function createReplicatedBucket(
  name: string,
  args: ReplicatedBucketArgs,
  parent: pulumi.Resource,
): ReplicatedBucketOutputs {
  const component = `dr:storage:ReplicatedBucket ${name}`;
  const region = args.identity.region;
  if (isKnown(args.destinations)) {
    throwArgIssues(component, destinationIssues(region, args.destinations));
  }

  const tags = cellTags(args.identity);
  // Autonamed: bucket names are global across accounts, so a fixed name could be taken.
  const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false, tags }, { parent });
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.kmsKeyArn,
          },
          // One data key per bucket instead of per object: far fewer KMS calls.
          bucketKeyEnabled: true,
        },
      ],
    },
    { parent },
  );
  new aws.s3.BucketPublicAccessBlock(
    `${name}-publicAccessBlock`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownershipControls`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    { parent },
  );
  new aws.s3.BucketPolicy(
    `${name}-tlsOnlyPolicy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    { parent },
  );

  const build = (list: ReplicationDestination[]): BucketReplication | undefined =>
    list.length === 0
      ? undefined
      : createReplication(name, bucket, versioning, args, list, tags, parent);
  let replication: BucketReplication | undefined;
  let destinations: pulumi.Output<ReplicationDestination[]>;
  if (isKnown(args.destinations)) {
    destinations = pulumi.output(args.destinations);
    replication = build(args.destinations);
  } else {
    // Destinations that arrive as an Output are validated and wired once they resolve (a
    // StackReference value is known at preview, so the rules still show in the preview). A
    // throw inside an apply would surface as an unhandled rejection with a stack trace; an
    // error diagnostic fails the update just the same and reads like the synchronous error.
    destinations = pulumi.output(args.destinations).apply((list) => {
      const issues = destinationIssues(region, list);
      if (issues.length > 0) {
        void pulumi.log.error(
          `${component} has invalid args, so no replication was configured:\n${issues
            .map((i) => `  - ${i.propertyPath} ${i.reason}`)
            .join("\n")}`,
          parent,
        );
        return [];
      }
      build(list);
      return list;
    });
  }
  return {
    bucket,
    versioning,
    replication,
    replicationDestinations: destinations.apply((list) => list.map((d) => d.bucketArn)),
    replicationDeferred: destinations.apply((list) => list.length === 0),
  };
}

/** Stable rule id per destination region: `to-eu-west-1`. */
export function replicationRuleId(destination: ReplicationDestination): string {
  return `to-${destination.region}`;
}

function createReplication(
  name: string,
  bucket: aws.s3.Bucket,
  versioning: aws.s3.BucketVersioning,
  args: ReplicatedBucketArgs,
  destinations: ReplicationDestination[],
  tags: Record<string, string>,
  parent: pulumi.Resource,
): BucketReplication {
  const role = new aws.iam.Role(
    `${name}-replicationRole`,
    {
      description: `S3 replication of the ${args.identity.app} bucket of cell ${args.identity.cell}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-replicationPolicy`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: bucket.arn,
          },
          {
            Sid: "ReadSourceObjects",
            Effect: "Allow",
            Action: [
              "s3:GetObjectVersionForReplication",
              "s3:GetObjectVersionAcl",
              "s3:GetObjectVersionTagging",
            ],
            Resource: pulumi.interpolate`${bucket.arn}/*`,
          },
          {
            Sid: "WriteDestinationObjects",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            Resource: destinations.map((d) => `${d.bucketArn}/*`),
          },
          {
            Sid: "DecryptSource",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.kmsKeyArn,
          },
          {
            Sid: "EncryptDestinations",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: destinations.map((d) => d.kmsKeyArn),
          },
        ],
      }),
    },
    { parent },
  );
  const rtc = args.replicationTimeControl ?? false;
  const configuration = new aws.s3.BucketReplicationConfig(
    `${name}-replication`,
    {
      bucket: bucket.id,
      role: role.arn,
      rules: destinations.map((d, i) => ({
        id: replicationRuleId(d),
        // Several rules with the same (empty) filter need distinct priorities.
        priority: i + 1,
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: {
          sseKmsEncryptedObjects: { status: "Enabled" },
          // Two-way replication: metadata changes made on a replica flow back.
          replicaModifications: { status: "Enabled" },
        },
        destination: {
          bucket: d.bucketArn,
          encryptionConfiguration: { replicaKmsKeyId: d.kmsKeyArn },
          // Metrics feed ReplicationLatency, which drills use to measure the RPO.
          metrics: rtc
            ? { status: "Enabled", eventThreshold: { minutes: 15 } }
            : { status: "Enabled" },
          ...(rtc ? { replicationTime: { status: "Enabled", time: { minutes: 15 } } } : {}),
        },
      })),
    },
    // S3 refuses a replication configuration on a bucket that is not versioned yet.
    { parent, dependsOn: [versioning, policy] },
  );
  return { role, policy, configuration };
}

/** A cell's object storage, replicated to the same bucket in every peer cell. */
export class ReplicatedBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** ARNs of the peer buckets this bucket replicates to; empty until the peers exist. */
  readonly replicationDestinations: pulumi.Output<string[]>;
  /** True when there were no destinations, so no replication is configured yet. */
  readonly replicationDeferred: pulumi.Output<boolean>;

  constructor(name: string, args: ReplicatedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:storage:ReplicatedBucket", name, {}, opts);
    const out = createReplicatedBucket(name, args, this);
    this.bucketName = out.bucket.bucket;
    this.bucketArn = out.bucket.arn;
    this.replicationDestinations = out.replicationDestinations;
    this.replicationDeferred = out.replicationDeferred;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      replicationDestinations: this.replicationDestinations,
      replicationDeferred: this.replicationDeferred,
    });
  }
}
