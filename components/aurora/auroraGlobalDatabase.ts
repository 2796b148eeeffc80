import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { CellRole } from "../../config/load";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { ReplicatedSecret } from "../secrets";
import { outOfBandProperties } from "../switchover/outOfBand";
import {
  AuroraEngine,
  auroraArgIssues,
  defaultMaintenanceWindow,
  ENGINE_SETTINGS,
  globalClusterArnFrom,
} from "./settings";
import { throwArgIssues } from "../../validation/componentArgs";

export interface AuroraGlobalDatabaseArgs {
  identity: CellIdentity;
  /** "home" creates the global cluster and its first (primary) cluster; "joiner" adds a secondary. */
  role: CellRole;
  /** The global cluster's identifier, the same in every region (e.g. `shop-global`). */
  globalClusterIdentifier: string;
  engine: AuroraEngine;
  /** The same in every region (a global database runs one engine version), e.g. "16.6". */
  engineVersion: string;
  /** Defaults to "db.r7g.large". */
  instanceClass?: pulumi.Input<string>;
  /** Instances in this region's cluster (a writer or headless reader, plus readers). Defaults to 2. */
  instances?: number;
  /** The initial database, created by the home cell only. Defaults to "app". */
  databaseName?: string;
  /** The master user, created by the home cell only. Defaults to "dbadmin". */
  masterUsername?: string;
  /** Days of automated backups, 1 to 35. Defaults to 7. */
  backupRetentionDays?: number;
  /** This region's KMS key (the home primary key, or the joiner's replica key). */
  kmsKeyArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The isolated subnets the cluster and its proxy live in. */
  subnetIds: pulumi.Input<string[]>;
  /** Who may connect on the engine port (the VPC CIDR). */
  allowedCidrBlocks: pulumi.Input<string[]>;
  /**
   * Home only (required there): the peer regions the master secret is replicated to, so each
   * peer's RDS Proxy can read it in its own region. Ignored on a joiner.
   */
  replicaRegions?: pulumi.Input<string[]>;
  /**
   * Joiner only (required there): the ARN of the home cell's replicated master secret in THIS
   * region, read by this region's RDS Proxy. `replicaSecretArn(homeSecretArn, region)` computes it.
   */
  masterSecretArn?: pulumi.Input<string>;
  /**
   * The master secret's name, the same in every region. Defaults to
   * `rds/<globalClusterIdentifier>/master`. Home only.
   */
  masterSecretName?: string;
  /** Daily backup window (UTC). Defaults to "03:00-04:00". */
  preferredBackupWindow?: pulumi.Input<string>;
  /**
   * Weekly maintenance window (UTC). Defaults to Sunday 05:00-06:00 in the home cell and
   * Wednesday 05:00-06:00 in a joiner, so both sides are never in maintenance together.
   */
  preferredMaintenanceWindow?: pulumi.Input<string>;
  /**
   * Whether clients must authenticate to the RDS Proxy with IAM tokens ("REQUIRED") or may use
   * the master password ("DISABLED"). Defaults to "REQUIRED".
   */
  proxyIamAuth?: pulumi.Input<"REQUIRED" | "DISABLED">;
}

export interface AuroraGlobalDatabaseOutputs {
  /** Home only. */
  globalCluster?: aws.rds.GlobalCluster;
  /** Home only. */
  masterPassword?: random.RandomPassword;
  /** Home only. */
  masterSecret?: ReplicatedSecret;
  cluster: aws.rds.Cluster;
  instances: aws.rds.ClusterInstance[];
  subnetGroup: aws.rds.SubnetGroup;
  securityGroup: aws.ec2.SecurityGroup;
  proxyRole: aws.iam.Role;
  proxyPolicy: aws.iam.RolePolicy;
  proxy: aws.rds.Proxy;
  proxyTargetGroup: aws.rds.ProxyDefaultTargetGroup;
  proxyTarget: aws.rds.ProxyTarget;
  proxyReadOnlyEndpoint: aws.rds.ProxyEndpoint;
  globalClusterArn: pulumi.Output<string>;
  masterSecretArn: pulumi.Output<string>;
}

/** The args with every default applied (the only place defaults live). */
function withDefaults(args: AuroraGlobalDatabaseArgs) {
  return {
    ...args,
    instanceClass: args.instanceClass ?? "db.r7g.large",
    instances: args.instances ?? 2,
    databaseName: args.databaseName ?? "app",
    masterUsername: args.masterUsername ?? "dbadmin",
    backupRetentionDays: args.backupRetentionDays ?? 7,
    masterSecretName: args.masterSecretName ?? `rds/${args.globalClusterIdentifier}/master`,
    preferredBackupWindow: args.preferredBackupWindow ?? "03:00-04:00",
    preferredMaintenanceWindow:
      args.preferredMaintenanceWindow ?? defaultMaintenanceWindow(args.role),
    proxyIamAuth: args.proxyIamAuth ?? "REQUIRED",
  };
}

/**
 * One region's part of an Aurora Global Database.
 *
 * The home cell creates the `GlobalCluster` (protected) and the first cluster in it, with the
 * master credentials: a generated password (global clusters cannot use RDS-managed master
 * passwords) kept in a secret replicated to the peer regions. A joiner adds a secondary
 * cluster: no master credentials and no database name (they come from the global cluster),
 * its own KMS key (a cross-region encrypted secondary needs one in its region).
 *
 * Which cluster writes is a runtime fact changed by switchover/failover, so every property AWS
 * changes then is in `ignoreChanges` (see components/switchover/outOfBand.ts): after a
 * switchover `pulumi up` must neither detach a cluster (`globalClusterIdentifier -> null`)
 * nor replace the global cluster (a `databaseName` diff).
 *
 * Each cluster gets an RDS Proxy (TLS required) that authenticates with the master secret in
 * its own region, so the request path never leaves the region.
 */
export function createAuroraGlobalDatabase(
  name: string,
  rawArgs: AuroraGlobalDatabaseArgs,
  parent: pulumi.Resource,
): AuroraGlobalDatabaseOutputs {
  const args = withDefaults(rawArgs);
  const clusterIdentifier = regionalName(args.identity, "aurora");
  const issues = auroraArgIssues({
    role: args.role,
    region: args.identity.region,
    globalClusterIdentifier: args.globalClusterIdentifier,
    clusterIdentifier,
    engine: args.engine,
    engineVersion: args.engineVersion,
    instanceClass: args.instanceClass,
    instances: args.instances,
    databaseName: args.databaseName,
    masterUsername: args.masterUsername,
    backupRetentionDays: args.backupRetentionDays,
    preferredBackupWindow: args.preferredBackupWindow,
    preferredMaintenanceWindow: args.preferredMaintenanceWindow,
    hasReplicaRegions: rawArgs.replicaRegions !== undefined,
    hasMasterSecretArn: rawArgs.masterSecretArn !== undefined,
    masterSecretArn: rawArgs.masterSecretArn,
  });
  throwArgIssues(`AuroraGlobalDatabase ${name}`, issues);

  const engine = ENGINE_SETTINGS[args.engine];
  const tags = cellTags(args.identity);
  const opts = { parent };

  const subnetGroup = new aws.rds.SubnetGroup(
    `${name}-subnetGroup`,
    {
      name: clusterIdentifier,
      description: `Isolated subnets of the Aurora cluster ${clusterIdentifier}`,
      subnetIds: args.subnetIds,
      tags,
    },
    opts,
  );
  // One group for the cluster and its proxy: clients in the VPC reach both on the engine port,
  // and the proxy reaches the instances on the same port (the VPC CIDR covers its subnets).
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-securityGroup`,
    {
      name: clusterIdentifier,
      description: `Aurora ${clusterIdentifier} and its RDS Proxy: engine port from the VPC only`,
      vpcId: args.vpcId,
      ingress: [
        {
          description: "Engine port from the cell's VPC",
          protocol: "tcp",
          fromPort: engine.port,
          toPort: engine.port,
          cidrBlocks: args.allowedCidrBlocks,
        },
      ],
      egress: [
        {
          description: "Proxy to the cluster's instances",
          protocol: "tcp",
          fromPort: engine.port,
          toPort: engine.port,
          cidrBlocks: args.allowedCidrBlocks,
        },
      ],
      tags: { ...tags, Name: clusterIdentifier },
    },
    opts,
  );

  const common = {
    clusterIdentifier,
    engine: args.engine,
    kmsKeyId: args.kmsKeyArn,
    storageEncrypted: true,
    deletionProtection: true,
    backupRetentionPeriod: args.backupRetentionDays,
    preferredBackupWindow: args.preferredBackupWindow,
    preferredMaintenanceWindow: args.preferredMaintenanceWindow,
    copyTagsToSnapshot: true,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: engine.cloudwatchLogExports,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${clusterIdentifier}-final`,
    dbSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [securityGroup.id],
    port: engine.port,
    tags,
  };
  const clusterOpts: pulumi.CustomResourceOptions = {
    parent,
    ignoreChanges: outOfBandProperties("aws:rds/cluster:Cluster"),
  };

  let globalCluster: aws.rds.GlobalCluster | undefined;
  let masterPassword: random.RandomPassword | undefined;
  let masterSecret: ReplicatedSecret | undefined;
  let cluster: aws.rds.Cluster;
  let masterSecretArn: pulumi.Output<string>;
  let globalClusterArn: pulumi.Output<string>;
  if (args.role === "home") {
    masterPassword = new random.RandomPassword(
      `${name}-masterPassword`,
      {
        length: 32,
        special: true,
        // RDS refuses '/', '@', '"' and spaces in a master password.
        overrideSpecial: "!#$%^&*()-_=+[]{}<>:?",
        minLower: 1,
        minUpper: 1,
        minNumeric: 1,
      },
      opts,
    );
    const password = pulumi.secret(masterPassword.result);
    masterSecret = new ReplicatedSecret(
      `${name}-masterSecret`,
      {
        identity: args.identity,
        secretName: args.masterSecretName,
        description: `Master credentials of the Aurora global database ${args.globalClusterIdentifier} (read by each region's RDS Proxy)`,
        replicaRegions: args.replicaRegions!,
        kmsKeyArn: args.kmsKeyArn,
        // The shape RDS Proxy reads.
        secretString: pulumi.jsonStringify({ username: args.masterUsername, password }),
      },
      opts,
    );
    globalCluster = new aws.rds.GlobalCluster(
      `${name}-globalCluster`,
      {
        globalClusterIdentifier: args.globalClusterIdentifier,
        engine: args.engine,
        engineVersion: args.engineVersion,
        databaseName: args.databaseName,
        storageEncrypted: true,
        deletionProtection: true,
        tags,
      },
      {
        parent,
        protect: true,
        ignoreChanges: outOfBandProperties("aws:rds/globalCluster:GlobalCluster"),
      },
    );
    cluster = new aws.rds.Cluster(
      `${name}-cluster`,
      {
        ...common,
        engineVersion: globalCluster.engineVersion,
        globalClusterIdentifier: globalCluster.id,
        databaseName: args.databaseName,
        masterUsername: args.masterUsername,
        masterPassword: password,
      },
      clusterOpts,
    );
    masterSecretArn = masterSecret.secretArn;
    globalClusterArn = globalCluster.arn;
  } else {
    cluster = new aws.rds.Cluster(
      `${name}-cluster`,
      {
        ...common,
        engineVersion: args.engineVersion,
        // Joining is all it takes: the storage, the master user and the database replicate in.
        globalClusterIdentifier: args.globalClusterIdentifier,
      },
      clusterOpts,
    );
    masterSecretArn = pulumi.output(args.masterSecretArn!);
    // The global cluster lives in the home stack; its ARN is fixed by account and identifier.
    const identifier = args.globalClusterIdentifier;
    globalClusterArn = cluster.arn.apply((arn) => globalClusterArnFrom(arn, identifier));
  }

  const instances = Array.from(
    { length: args.instances },
    (_, i) =>
      new aws.rds.ClusterInstance(
        `${name}-instance${i + 1}`,
        {
          identifier: `${clusterIdentifier}-${i + 1}`,
          clusterIdentifier: cluster.id,
          engine: args.engine,
          instanceClass: args.instanceClass,
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: args.kmsKeyArn,
          // The first instance is the preferred writer after an in-region failover.
          promotionTier: i === 0 ? 0 : 1,
          copyTagsToSnapshot: true,
          preferredMaintenanceWindow: args.preferredMaintenanceWindow,
          tags,
        },
        { parent, ignoreChanges: outOfBandProperties("aws:rds/clusterInstance:ClusterInstance") },
      ),
  );

  const proxyRole = new aws.iam.Role(
    `${name}-proxyRole`,
    {
      name: regionalName(args.identity, "aurora-proxy"),
      description: `Lets the RDS Proxy of ${clusterIdentifier} read the master secret`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "rds.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    opts,
  );
  const proxyPolicy = new aws.iam.RolePolicy(
    `${name}-proxyPolicy`,
    {
      role: proxyRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: masterSecretArn,
          },
          {
            // The home secret is encrypted with the cell key; a replica uses the AWS-managed
            // key, which needs no grant.
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.kmsKeyArn,
            Condition: {
              StringEquals: {
                "kms:ViaService": `secretsmanager.${args.identity.region}.amazonaws.com`,
              },
            },
          },
        ],
      }),
    },
    opts,
  );
  const proxy = new aws.rds.Proxy(
    `${name}-proxy`,
    {
      name: clusterIdentifier,
      engineFamily: engine.proxyEngineFamily,
      requireTls: true,
      roleArn: proxyRole.arn,
      vpcSubnetIds: args.subnetIds,
      vpcSecurityGroupIds: [securityGroup.id],
      idleClientTimeout: 1800,
      debugLogging: false,
      auths: [
        {
          authScheme: "SECRETS",
          description: "Master credentials",
          secretArn: masterSecretArn,
          iamAuth: args.proxyIamAuth,
          clientPasswordAuthType: engine.proxyClientPasswordAuthType,
        },
      ],
      tags,
    },
    { parent, dependsOn: [proxyPolicy] },
  );
  const proxyTargetGroup = new aws.rds.ProxyDefaultTargetGroup(
    `${name}-proxyTargetGroup`,
    {
      dbProxyName: proxy.name,
      connectionPoolConfig: { maxConnectionsPercent: 90, connectionBorrowTimeout: 120 },
    },
    opts,
  );
  const proxyTarget = new aws.rds.ProxyTarget(
    `${name}-proxyTarget`,
    {
      dbProxyName: proxy.name,
      targetGroupName: proxyTargetGroup.name,
      dbClusterIdentifier: cluster.clusterIdentifier,
    },
    // A cluster target is only available once the cluster has instances.
    { parent, dependsOn: instances },
  );

  // The proxy's default endpoint goes to the writer, so it fails in a secondary region (no
  // writer there) until that region is promoted; this one serves reads in every region.
  const proxyReadOnlyEndpoint = new aws.rds.ProxyEndpoint(
    `${name}-proxyReadOnlyEndpoint`,
    {
      dbProxyName: proxy.name,
      dbProxyEndpointName: `${clusterIdentifier}-ro`,
      targetRole: "READ_ONLY",
      vpcSubnetIds: args.subnetIds,
      vpcSecurityGroupIds: [securityGroup.id],
      tags,
    },
    { parent, dependsOn: [proxyTarget] },
  );

  return {
    globalCluster,
    masterPassword,
    masterSecret,
    cluster,
    instances,
    subnetGroup,
    securityGroup,
    proxyRole,
    proxyPolicy,
    proxy,
    proxyTargetGroup,
    proxyTarget,
    proxyReadOnlyEndpoint,
    globalClusterArn,
    masterSecretArn,
  };
}

/** This region's part of an Aurora Global Database: the global cluster's home, or a secondary. */
export class AuroraGlobalDatabase extends pulumi.ComponentResource {
  readonly globalClusterIdentifier: pulumi.Output<string>;
  /** Home: the global cluster's ARN. Joiner: derived from the identifier and this account. */
  readonly globalClusterArn: pulumi.Output<string>;
  readonly clusterIdentifier: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  /** The cluster endpoint; it accepts writes only while this cluster is the global writer. */
  readonly writerEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  /**
   * The proxy's default (read/write) endpoint: it serves only while this cluster is the global
   * writer; in a secondary it refuses connections until the region is promoted.
   */
  readonly proxyEndpoint: pulumi.Output<string>;
  /** The proxy's read-only endpoint: the readers of this region, whichever region writes. */
  readonly proxyReadOnlyEndpoint: pulumi.Output<string>;
  /** Home: the master secret it created. Joiner: the masterSecretArn arg. */
  readonly masterSecretArn: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly engine: pulumi.Output<string>;
  readonly engineVersion: pulumi.Output<string>;
  readonly instanceClass: pulumi.Output<string>;
  readonly instances: pulumi.Output<number>;

  constructor(
    name: string,
    args: AuroraGlobalDatabaseArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("dr:aurora:AuroraGlobalDatabase", name, {}, opts);
    const out = createAuroraGlobalDatabase(name, args, this);
    this.globalClusterIdentifier =
      out.globalCluster?.id ?? pulumi.output(args.globalClusterIdentifier);
    this.globalClusterArn = out.globalClusterArn;
    this.clusterIdentifier = out.cluster.clusterIdentifier;
    this.clusterArn = out.cluster.arn;
    this.writerEndpoint = out.cluster.endpoint;
    this.readerEndpoint = out.cluster.readerEndpoint;
    this.proxyEndpoint = out.proxy.endpoint;
    this.proxyReadOnlyEndpoint = out.proxyReadOnlyEndpoint.endpoint;
    this.masterSecretArn = out.masterSecretArn;
    this.port = out.cluster.port;
    this.securityGroupId = out.securityGroup.id;
    this.engine = pulumi.output(args.engine);
    this.engineVersion = pulumi.output(args.engineVersion);
    this.instanceClass = out.instances[0].instanceClass;
    this.instances = pulumi.output(out.instances.length);
    this.registerOutputs({
      globalClusterIdentifier: this.globalClusterIdentifier,
      globalClusterArn: this.globalClusterArn,
      clusterIdentifier: this.clusterIdentifier,
      clusterArn: this.clusterArn,
      writerEndpoint: this.writerEndpoint,
      readerEndpoint: this.readerEndpoint,
      proxyEndpoint: this.proxyEndpoint,
      proxyReadOnlyEndpoint: this.proxyReadOnlyEndpoint,
      masterSecretArn: this.masterSecretArn,
      port: this.port,
      securityGroupId: this.securityGroupId,
      engine: this.engine,
      engineVersion: this.engineVersion,
      instanceClass: this.instanceClass,
      instances: this.instances,
    });
  }
}
