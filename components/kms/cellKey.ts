import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CellRole } from "../../config/load";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { throwArgIssues } from "../../validation/componentArgs";

export interface CellKeyArgs {
  identity: CellIdentity;
  /** "home" creates the multi-region primary key; "joiner" replicates it into this region. */
  role: CellRole;
  /**
   * ARN of the home cell's multi-region primary key (`arn:aws:kms:<home region>:<account>:key/mrk-...`).
   * Required when role is "joiner"; must be left out for the home cell, which creates it.
   */
  primaryKeyArn?: pulumi.Input<string>;
  /** Days KMS waits before deleting the key once scheduled. 7 to 30. Defaults to 30. */
  deletionWindowInDays?: pulumi.Input<number>;
}

export interface CellKeyOutputs {
  /** The home cell's primary key; undefined in a joiner. */
  key?: aws.kms.Key;
  /** The joiner's replica of the primary key; undefined in the home cell. */
  replicaKey?: aws.kms.ReplicaKey;
  alias: aws.kms.Alias;
  keyArn: pulumi.Output<string>;
  keyId: pulumi.Output<string>;
  primaryKeyArn: pulumi.Output<string>;
}

/** The alias every cell gives its key: `alias/shop-use1-dr`. */
export function cellKeyAliasName(identity: CellIdentity): string {
  return `alias/${regionalName(identity, "dr")}`;
}

/** Region of a KMS key ARN, or undefined when `arn` is not one. */
export function kmsKeyArnRegion(arn: string): string | undefined {
  return /^arn:aws[\w-]*:kms:([a-z0-9-]+):\d{12}:key\/[\w-]+$/.exec(arn)?.[1];
}

/**
 * Field problems in CellKey args, first one first (empty when valid). Only values known at
 * construction are checked; an Output is checked by AWS.
 */
export function cellKeyArgIssues(args: CellKeyArgs): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  if (args.role !== "home" && args.role !== "joiner") {
    issues.push({
      propertyPath: "role",
      reason: `role must be "home" or "joiner", got ${JSON.stringify(args.role)}.`,
    });
  }
  if (args.role === "joiner" && args.primaryKeyArn === undefined) {
    issues.push({
      propertyPath: "primaryKeyArn",
      reason:
        "primaryKeyArn is required for a joiner cell: pass the home cell's multi-region primary key ARN " +
        "(its DR manifest's stores.kms.primaryKeyArn). Deploy the home cell first.",
    });
  }
  if (args.role === "home" && args.primaryKeyArn !== undefined) {
    issues.push({
      propertyPath: "primaryKeyArn",
      reason:
        'primaryKeyArn must be left out for the home cell: it creates the primary key. Pass it only when role is "joiner".',
    });
  }
  if (args.role === "joiner" && typeof args.primaryKeyArn === "string") {
    const region = kmsKeyArnRegion(args.primaryKeyArn);
    if (region === undefined || !args.primaryKeyArn.includes(":key/mrk-")) {
      issues.push({
        propertyPath: "primaryKeyArn",
        reason: `primaryKeyArn '${args.primaryKeyArn}' is not a multi-region KMS key ARN; expected arn:aws:kms:<home region>:<account>:key/mrk-<id>.`,
      });
    } else if (region === args.identity.region) {
      issues.push({
        propertyPath: "primaryKeyArn",
        reason: `primaryKeyArn is in ${region}, this cell's own region; a replica key must replicate a primary key from another region (the home cell's).`,
      });
    }
  }
  const days = args.deletionWindowInDays;
  if (typeof days === "number" && !(Number.isInteger(days) && days >= 7 && days <= 30)) {
    issues.push({
      propertyPath: "deletionWindowInDays",
      reason: `deletionWindowInDays must be a whole number of days from 7 to 30, got ${days}.`,
    });
  }
  return issues;
}

/**
 * The cell's KMS key. The home cell creates a multi-region primary key (protected: losing it
 * makes every replica's data unreadable); a joiner creates a replica of it, which shares its key
 * material and key id, so data encrypted in one region decrypts in the other after a failover.
 *
 * The key policy is left to KMS's default (the account root may delegate through IAM): the
 * services that use the key (Aurora, DynamoDB, Secrets Manager, SQS, S3) are authorized via
 * the calling principal's IAM policy and `kms:ViaService`, so no statement is needed here.
 */
export function createCellKey(
  name: string,
  args: CellKeyArgs,
  parent: pulumi.Resource,
): CellKeyOutputs {
  const issues = cellKeyArgIssues(args);
  throwArgIssues(`CellKey ${name}`, issues);

  const tags = cellTags(args.identity);
  const deletionWindowInDays = args.deletionWindowInDays ?? 30;
  const description = `${args.identity.app} DR cell ${args.identity.cell} (${args.identity.region})`;

  let key: aws.kms.Key | undefined;
  let replicaKey: aws.kms.ReplicaKey | undefined;
  let keyArn: pulumi.Output<string>;
  let keyId: pulumi.Output<string>;
  let primaryKeyArn: pulumi.Output<string>;
  if (args.role === "home") {
    key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Multi-region primary key of ${description}`,
        multiRegion: true,
        enableKeyRotation: true,
        deletionWindowInDays,
        tags,
      },
      {
        parent,
        protect: true,
        ignoreChanges: outOfBandProperties("aws:kms/key:Key"),
      },
    );
    keyArn = key.arn;
    keyId = key.keyId;
    primaryKeyArn = key.arn;
  } else {
    replicaKey = new aws.kms.ReplicaKey(
      `${name}-replicaKey`,
      {
        description: `Replica key of ${description}`,
        primaryKeyArn: args.primaryKeyArn!,
        deletionWindowInDays,
        tags,
      },
      { parent, ignoreChanges: outOfBandProperties("aws:kms/replicaKey:ReplicaKey") },
    );
    keyArn = replicaKey.arn;
    keyId = replicaKey.keyId;
    primaryKeyArn = pulumi.output(args.primaryKeyArn!);
  }
  const alias = new aws.kms.Alias(
    `${name}-alias`,
    { name: cellKeyAliasName(args.identity), targetKeyId: keyId },
    { parent },
  );
  return { key, replicaKey, alias, keyArn, keyId, primaryKeyArn };
}

/** A cell's KMS key: the multi-region primary in the home cell, its replica in a joiner. */
export class CellKey extends pulumi.ComponentResource {
  /** This region's key (the primary in the home cell, the replica in a joiner). */
  readonly keyArn: pulumi.Output<string>;
  /** The multi-region key id (`mrk-...`), the same in every region. */
  readonly keyId: pulumi.Output<string>;
  /** The primary key's ARN; equals keyArn in the home cell. */
  readonly primaryKeyArn: pulumi.Output<string>;
  /** Always true: every cell key is multi-region. */
  readonly multiRegion: pulumi.Output<boolean>;
  /** `alias/<app>-<cell>-dr`. */
  readonly aliasName: pulumi.Output<string>;

  constructor(name: string, args: CellKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:kms:CellKey", name, {}, opts);
    const out = createCellKey(name, args, this);
    this.keyArn = out.keyArn;
    this.keyId = out.keyId;
    this.primaryKeyArn = out.primaryKeyArn;
    this.multiRegion = pulumi.output(true);
    this.aliasName = out.alias.name;
    this.registerOutputs({
      keyArn: this.keyArn,
      keyId: this.keyId,
      primaryKeyArn: this.primaryKeyArn,
      multiRegion: this.multiRegion,
      aliasName: this.aliasName,
    });
  }
}
