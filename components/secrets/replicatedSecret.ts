import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags } from "../naming";
import { replicaSecretArn } from "./arn";
import { throwArgIssues } from "../../validation/componentArgs";

export interface ReplicatedSecretArgs {
  identity: CellIdentity;
  /**
   * The secret's name, the same in every region (a replica always has its primary's name).
   * Letters, digits and `/_+=.@-`, at most 512 characters.
   */
  secretName: string;
  /** The peer regions that get a read-only replica. Must not include this cell's region. */
  replicaRegions: pulumi.Input<string[]>;
  /** The KMS key (in this region) that encrypts the primary secret. */
  kmsKeyArn: pulumi.Input<string>;
  /** The secret's value. Defaults to none: no version is created and the value is set elsewhere. */
  secretString?: pulumi.Input<string>;
  /** Defaults to a description naming the cell. */
  description?: pulumi.Input<string>;
}

export interface ReplicatedSecretOutputs {
  secret: aws.secretsmanager.Secret;
  version?: aws.secretsmanager.SecretVersion;
  replicaRegions: pulumi.Output<string[]>;
  /** Replica ARN per replica region. */
  replicaSecretArns: pulumi.Output<Record<string, string>>;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** Field problems in the args (empty when valid); only values known now are checked. */
export function replicatedSecretArgIssues(
  args: ReplicatedSecretArgs,
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  if (typeof args.secretName !== "string" || !SECRET_NAME.test(args.secretName)) {
    issues.push({
      propertyPath: "secretName",
      reason: `secretName ${JSON.stringify(args.secretName)} is not a valid secret name: use 1 to 512 letters, digits or /_+=.@- characters.`,
    });
  }
  if (Array.isArray(args.replicaRegions)) {
    const problem = replicaRegionsProblem(args.replicaRegions, args.identity.region);
    if (problem) issues.push({ propertyPath: "replicaRegions", reason: problem });
  }
  return issues;
}

/** Why a list of replica regions is unusable, or undefined when it is fine. */
export function replicaRegionsProblem(
  regions: ReadonlyArray<unknown>,
  ownRegion: string,
): string | undefined {
  const seen = new Set<string>();
  for (const region of regions) {
    if (typeof region !== "string") continue; // an Output: AWS checks it
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      return `replicaRegions has '${region}', which is not an AWS region name (e.g. eu-west-1).`;
    }
    if (region === ownRegion) {
      return `replicaRegions includes ${ownRegion}, the secret's own region; list only the peer regions.`;
    }
    if (seen.has(region))
      return `replicaRegions lists ${region} twice; list each peer region once.`;
    seen.add(region);
  }
  return undefined;
}

/**
 * A Secrets Manager secret in this region, replicated to the peer regions so a peer can read
 * it while this region is down (a replica is readable on its own; the failover never needs the
 * primary region).
 *
 * The replicas are encrypted with the AWS-managed key (`aws/secretsmanager`) of their region,
 * not with the peer cell's replica KMS key: on the first deploy of the home cell the peer's
 * replica key does not exist yet (the joiner creates it after the home cell has deployed), and
 * replication would fail. Changing a replica's key later makes the provider remove and re-add
 * the replica, so the AWS-managed key is kept for good.
 */
export function createReplicatedSecret(
  name: string,
  args: ReplicatedSecretArgs,
  parent: pulumi.Resource,
): ReplicatedSecretOutputs {
  const issues = replicatedSecretArgIssues(args);
  throwArgIssues(`ReplicatedSecret ${name}`, issues);
  if (/-[A-Za-z0-9]{6}$/.test(args.secretName)) {
    void pulumi.log.warn(
      `secretName '${args.secretName}' ends with a hyphen and six characters, which AWS confuses with the ARN suffix when looking a secret up by partial ARN; prefer a name that does not (e.g. '/' instead of the last '-').`,
      parent,
    );
  }

  const replicaRegions = pulumi.output(args.replicaRegions).apply((regions) => {
    const problem = replicaRegionsProblem(regions, args.identity.region);
    if (problem) throw new pulumi.ResourceError(problem, parent);
    return regions;
  });
  const secret = new aws.secretsmanager.Secret(
    `${name}-secret`,
    {
      name: args.secretName,
      description:
        args.description ??
        `${args.identity.app} DR secret of cell ${args.identity.cell}, replicated to the peer regions`,
      kmsKeyId: args.kmsKeyArn,
      // The longest window: a mistaken delete can be undone for a month.
      recoveryWindowInDays: 30,
      replicas: replicaRegions.apply((regions) => regions.map((region) => ({ region }))),
      tags: cellTags(args.identity),
    },
    { parent },
  );
  const version =
    args.secretString === undefined
      ? undefined
      : new aws.secretsmanager.SecretVersion(
          `${name}-secretVersion`,
          { secretId: secret.id, secretString: pulumi.secret(args.secretString) },
          { parent },
        );
  const replicaSecretArns = pulumi
    .all([secret.arn, replicaRegions])
    .apply(([arn, regions]) =>
      Object.fromEntries(regions.map((region) => [region, replicaSecretArn(arn, region)])),
    );
  return { secret, version, replicaRegions, replicaSecretArns };
}

/** A secret replicated to every peer region (same name everywhere). */
export class ReplicatedSecret extends pulumi.ComponentResource {
  /** The primary secret's ARN, in this region. */
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly replicaRegions: pulumi.Output<string[]>;
  /** The replica's ARN per replica region (see `replicaSecretArn`). */
  readonly replicaSecretArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ReplicatedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:secrets:ReplicatedSecret", name, {}, opts);
    const out = createReplicatedSecret(name, args, this);
    this.secretArn = out.secret.arn;
    this.secretName = out.secret.name;
    this.replicaRegions = out.replicaRegions;
    this.replicaSecretArns = out.replicaSecretArns;
    this.registerOutputs({
      secretArn: this.secretArn,
      secretName: this.secretName,
      replicaRegions: this.replicaRegions,
      replicaSecretArns: this.replicaSecretArns,
    });
  }
}
