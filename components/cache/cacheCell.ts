import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CellRole } from "../../config/load";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { throwArgIssues } from "../../validation/componentArgs";
import { cacheArgIssues } from "./validate";

const REPLICATION_GROUP_TYPE = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL_DATASTORE_TYPE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";

/** Valkey and Redis OSS both listen here; global datastores do not support another port. */
export const CACHE_PORT = 6379;

export type CacheEngine = "valkey" | "redis";

export interface CacheCellArgs {
  identity: CellIdentity;
  /** The home cell creates the global datastore; a joiner adds a secondary group to it. */
  role: CellRole;
  /** Engine of the global datastore. A joiner inherits it; the value is only reported. */
  engine: pulumi.Input<CacheEngine>;
  /** Engine version, e.g. `7.2`. A joiner inherits it; the value is only reported. */
  engineVersion: pulumi.Input<string>;
  /** Node type, e.g. `cache.r7g.large`. A joiner inherits it; the value is only reported. */
  nodeType: pulumi.Input<string>;
  /** Read replicas beside the primary node, 1 to 5 (Multi-AZ needs one). Defaults to 1. */
  replicas?: pulumi.Input<number>;
  /** This region's KMS key for encryption at rest. */
  kmsKeyArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets in at least two availability zones. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Client CIDR blocks allowed to reach the cache port. */
  allowedCidrBlocks: pulumi.Input<pulumi.Input<string>[]>;
  /** Suffix of the global datastore id (`shop-global`); AWS prepends a regional prefix. */
  globalDatastoreSuffix: string;
  /**
   * Joiner only, and required there: the full global datastore id AWS assigned
   * (`ldgnf-shop-global`), from the home DR manifest. Must be left out on the home cell.
   */
  globalReplicationGroupId?: pulumi.Input<string>;
}

export interface CacheCellOutputs {
  subnetGroup: aws.elasticache.SubnetGroup;
  securityGroup: aws.ec2.SecurityGroup;
  replicationGroup: aws.elasticache.ReplicationGroup;
  /** Home only. */
  globalDatastore?: aws.elasticache.GlobalReplicationGroup;
  globalReplicationGroupId: pulumi.Output<string>;
}

/**
 * An ElastiCache (Valkey/Redis OSS) replication group that is a member of a global datastore.
 * The home cell creates its group and the global datastore over it; a joiner creates a
 * secondary group in the datastore, which inherits engine, version, node type, parameter group
 * and encryption settings from it (the provider rejects them on a secondary). Which member is
 * primary is changed by the failover commands; nothing here depends on it.
 */
export function createCacheCell(
  name: string,
  args: CacheCellArgs,
  parent: pulumi.Resource,
): CacheCellOutputs {
  const component = `dr:cache:CacheCell ${name}`;
  throwArgIssues(component, cacheArgIssues(args));
  if (args.role === "home" && args.globalReplicationGroupId !== undefined) {
    throw new pulumi.ResourceError(
      `${component}: globalReplicationGroupId is for joiners only; the home cell (${args.identity.region}) creates the global datastore '${args.globalDatastoreSuffix}'. Leave it out when role is 'home'.`,
      parent,
    );
  }

  const tags = cellTags(args.identity);
  const groupName = regionalName(args.identity, "cache");
  const replicas = args.replicas ?? 1;
  const subnetGroup = new aws.elasticache.SubnetGroup(
    `${name}-subnetGroup`,
    {
      name: groupName,
      description: `Private subnets of the ${args.identity.app} cache in cell ${args.identity.cell}`,
      subnetIds: args.subnetIds,
      tags,
    },
    { parent },
  );
  // No egress rules: cache nodes never open connections of their own.
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-securityGroup`,
    {
      name: groupName,
      description: `Clients of the ${args.identity.app} cache in cell ${args.identity.cell}`,
      vpcId: args.vpcId,
      ingress: [
        {
          protocol: "tcp",
          fromPort: CACHE_PORT,
          toPort: CACHE_PORT,
          cidrBlocks: args.allowedCidrBlocks,
          description: "Cache clients (TLS)",
        },
      ],
      tags,
    },
    { parent },
  );

  const common = {
    replicationGroupId: groupName,
    description: `${args.identity.app} cache in cell ${args.identity.cell}`,
    numCacheClusters: pulumi.output(replicas).apply((r) => 1 + r),
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    kmsKeyId: args.kmsKeyArn,
    subnetGroupName: subnetGroup.name,
    securityGroupIds: [securityGroup.id],
    tags,
  };
  if (args.role === "joiner") {
    const replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-replicationGroup`,
      { ...common, globalReplicationGroupId: args.globalReplicationGroupId },
      { parent, ignoreChanges: outOfBandProperties(REPLICATION_GROUP_TYPE) },
    );
    return {
      subnetGroup,
      securityGroup,
      replicationGroup,
      globalReplicationGroupId: pulumi.output(args.globalReplicationGroupId!),
    };
  }

  const replicationGroup = new aws.elasticache.ReplicationGroup(
    `${name}-replicationGroup`,
    {
      ...common,
      engine: args.engine,
      engineVersion: args.engineVersion,
      nodeType: args.nodeType,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
    },
    {
      parent,
      // ElastiCache refuses to modify the node type of a datastore member ("part of a global
      // cluster"); a new nodeType scales every member through the datastore's cacheNodeType.
      ignoreChanges: [...outOfBandProperties(REPLICATION_GROUP_TYPE), "nodeType"],
    },
  );
  const globalDatastore = new aws.elasticache.GlobalReplicationGroup(
    `${name}-globalDatastore`,
    {
      globalReplicationGroupIdSuffix: args.globalDatastoreSuffix,
      globalReplicationGroupDescription: `${args.identity.app} global cache datastore`,
      primaryReplicationGroupId: replicationGroup.id,
      // Equal to the primary's at creation (a no-op); later changes scale all members.
      cacheNodeType: args.nodeType,
    },
    { parent, protect: true, ignoreChanges: outOfBandProperties(GLOBAL_DATASTORE_TYPE) },
  );
  return {
    subnetGroup,
    securityGroup,
    replicationGroup,
    globalDatastore,
    globalReplicationGroupId: globalDatastore.globalReplicationGroupId,
  };
}

/** A cell's member of the ElastiCache global datastore. */
export class CacheCell extends pulumi.ComponentResource {
  readonly replicationGroupId: pulumi.Output<string>;
  /** Home: the id AWS assigned to the new datastore. Joiner: the id it was given. */
  readonly globalReplicationGroupId: pulumi.Output<string>;
  /** This group's primary endpoint (read-only while the group is a secondary). */
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** As configured; a joiner inherits the datastore's values, checked for parity by the policy pack. */
  readonly engine: pulumi.Output<CacheEngine>;
  readonly engineVersion: pulumi.Output<string>;
  readonly nodeType: pulumi.Output<string>;

  constructor(name: string, args: CacheCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:cache:CacheCell", name, {}, opts);
    const out = createCacheCell(name, args, this);
    this.replicationGroupId = out.replicationGroup.id;
    this.globalReplicationGroupId = out.globalReplicationGroupId;
    this.primaryEndpoint = out.replicationGroup.primaryEndpointAddress;
    this.securityGroupId = out.securityGroup.id;
    this.engine = pulumi.output(args.engine);
    this.engineVersion = pulumi.output(args.engineVersion);
    this.nodeType = pulumi.output(args.nodeType);
    this.registerOutputs({
      replicationGroupId: this.replicationGroupId,
      globalReplicationGroupId: this.globalReplicationGroupId,
      primaryEndpoint: this.primaryEndpoint,
      securityGroupId: this.securityGroupId,
      engine: this.engine,
      engineVersion: this.engineVersion,
      nodeType: this.nodeType,
    });
  }
}
