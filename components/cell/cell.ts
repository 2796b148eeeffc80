import * as pulumi from "@pulumi/pulumi";
import type { DrConfig } from "../../config";
import type { DrManifest } from "../../manifest";
import { cellManifest } from "./manifest";
import { homeManifest, PeerRead } from "../../peers";
import { globalName, CellIdentity } from "../naming";
import { CellNetwork } from "../network";
import { CellKey } from "../kms";
import { CellCompute } from "../compute";
import { AuroraGlobalDatabase } from "../aurora";
import { replicaSecretArn } from "../secrets";
import { GlobalTables } from "../dynamodb";
import { StreamingCell } from "../msk";
import { CacheCell } from "../cache";
import { ReplicatedBucket } from "../storage";
import { WorkQueue } from "../queue";
import { CellTraffic, PeerGate } from "../traffic";
import { InputValidationError } from "../../validation/issues";
import { CellObservability } from "../observability";
import { Edge, edgeArgsFor } from "../edge";
import { CellEvents, cellEventsArgs } from "../events";
import { CellFunctions, cellFunctionsArgs } from "../functions";
import { CellApi } from "../api";

export interface RegionalCellArgs {
  /** The validated stack config (`loadDrConfig`). */
  config: DrConfig;
  /** The peers' DR manifests as read through StackReferences (`readPeers`). */
  peers: PeerRead[];
  /** Stamped into the manifest; defaults to now. Tests pin it for stable renders. */
  generatedAt?: string;
}

/** What the cell could not build yet because a peer has not published its manifest. */
export interface Deferral {
  what: string;
  waitsFor: string;
  /** The component that defers it already told the user. */
  loggedByComponent?: boolean;
}

/**
 * One regional cell: identical in every region, only region-specific values differ. The home
 * cell creates the global objects; every other cell joins them. Which cell writes is decided
 * at run time by the failover commands, never here.
 */
export class RegionalCell extends pulumi.ComponentResource {
  /** The DR manifest: the contract with the peers, the policy pack and the failover commands. */
  readonly manifest: pulumi.Output<DrManifest>;
  readonly deferred: Deferral[];
  /**
   * The cell's components, for a program that attaches its own service to the cell: the
   * network (VPC, subnets), compute (EKS cluster, its Kubernetes provider, load balancer),
   * the stores (aurora, tables, cache, msk, bucket, queue), the key, traffic and the layers.
   */
  readonly parts: CellParts;
  readonly vpcId: pulumi.Output<string>;
  /** Subnets with a route out through the NAT gateways: services and workers. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Subnets with no route out of the VPC: the databases and the cache. */
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  readonly clusterName: pulumi.Output<string>;
  /** Where a service in this cell finds the stores (this region's endpoints). */
  readonly endpoints: pulumi.Output<CellEndpoints>;

  constructor(name: string, args: RegionalCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:cell:RegionalCell", name, {}, opts);
    const { manifest, deferred, ...parts } = createRegionalCell(name, args, this);
    this.manifest = manifest;
    this.deferred = deferred;
    this.parts = parts;
    this.vpcId = parts.network.vpcId;
    this.privateSubnetIds = parts.network.privateSubnetIds;
    this.isolatedSubnetIds = parts.network.isolatedSubnetIds;
    this.clusterName = parts.compute.clusterName;
    this.endpoints = pulumi.output({
      auroraWriter: parts.aurora.writerEndpoint,
      auroraReader: parts.aurora.readerEndpoint,
      auroraProxy: parts.aurora.proxyEndpoint,
      auroraSecretArn: parts.aurora.masterSecretArn,
      cachePrimary: parts.cache.primaryEndpoint,
      kafkaBootstrapBrokers: parts.msk.bootstrapBrokersIam,
      queueUrl: parts.queue.queueUrl,
      bucketName: parts.bucket.bucketName,
      controlTableName: parts.tables.controlTable.apply((t) => t.tableName),
      controlTableArn: parts.tables.controlTable.apply((t) => t.tableArn),
      tableNames: parts.tables.tables.apply((ts) => ts.map((t) => t.tableName)),
      tableArns: parts.tables.tables.apply((ts) => ts.map((t) => t.tableArn)),
    });
    this.registerOutputs({
      manifest: this.manifest,
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      clusterName: this.clusterName,
      endpoints: this.endpoints,
    });
  }
}

/** Every component a cell builds, by role. */
export type CellParts = Omit<ReturnType<typeof createRegionalCell>, "manifest" | "deferred">;

export interface CellEndpoints {
  auroraWriter: string;
  auroraReader: string;
  auroraProxy: string;
  auroraSecretArn: string;
  cachePrimary: string;
  kafkaBootstrapBrokers: string;
  queueUrl: string;
  bucketName: string;
  controlTableName: string;
  /** This region's table (or replica) ARNs. */
  controlTableArn: string;
  tableNames: string[];
  tableArns: string[];
}

/** A cell's name prefixes every regional resource name; AWS's shortest limits allow 33. */
const CELL_NAME = /^[a-z][a-z0-9-]{0,32}$/;

/** The joiner's view of the home cell; fails with the deploy order when it is missing. */
export function requireHome(
  config: DrConfig,
  peers: PeerRead[],
  parent: pulumi.Resource,
): DrManifest | undefined {
  if (config.role === "home") return undefined;
  const home = homeManifest(config, peers);
  if (!home) {
    const homePeer = config.peers.find((p) => p.region === config.homeRegion)!;
    throw new pulumi.ResourceError(
      `Stack ${config.stackName} joins the global objects of the home cell (${config.homeRegion}, ` +
        `stack ${homePeer.stack}), whose DR manifest is not readable yet. Deploy the home cell first: ` +
        `'pulumi up -s ${homePeer.stack}', then run 'pulumi up -s ${config.stackName}' again (docs/deploying.md: order for a fresh account).`,
      parent,
    );
  }
  if (
    !home.stores.aurora ||
    !home.stores.cache.globalReplicationGroupId ||
    !home.stores.controlTable
  ) {
    throw new pulumi.ResourceError(
      `The home cell's manifest (stack ${home.stack}) lacks its global objects; run 'pulumi up -s ${home.stack}' to completion first.`,
      parent,
    );
  }
  return home;
}

export function createRegionalCell(name: string, args: RegionalCellArgs, parent: pulumi.Resource) {
  const { config, peers } = args;
  const home = requireHome(config, peers, parent);
  if (!CELL_NAME.test(name)) {
    throw new pulumi.ResourceError(
      `The cell's name '${name}' prefixes every regional resource name, so it must start with a ` +
        "lowercase letter, use only a-z, 0-9 and '-', and be at most 33 characters; the shipped " +
        "program uses '<dr:app>-<dr:cell>'.",
      parent,
    );
  }
  const identity: CellIdentity = {
    app: config.app,
    cell: config.cell,
    region: config.region,
    prefix: name,
  };
  const role = config.role;
  const peerRegions = config.peers.map((p) => p.region);
  const readyPeers = peers.filter(
    (p): p is PeerRead & { manifest: DrManifest } => p.manifest !== undefined,
  );
  const deferred: Deferral[] = [];
  const opts = { parent };

  const network = new CellNetwork(
    `${name}-network`,
    { identity, cidrBlock: config.network.cidr, azCount: config.network.azCount },
    opts,
  );
  const vpcCidrs = [config.network.cidr];

  const key = new CellKey(
    `${name}-key`,
    { identity, role, primaryKeyArn: home?.stores.kms.primaryKeyArn },
    opts,
  );

  const compute = new CellCompute(
    `${name}-compute`,
    {
      identity,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      vpcCidrBlock: config.network.cidr,
      kubernetesVersion: config.eks.version,
      instanceType: config.eks.instanceType,
      minNodes: config.eks.minNodes,
      desiredNodes: config.eks.desiredNodes,
      maxNodes: config.eks.maxNodes,
      certificateArn: config.dns.certificateArn,
      healthCheckPath: config.dns.healthCheckPath,
      kmsKeyArn: key.keyArn,
      publicAccessCidrs: config.eks.publicAccessCidrs,
      allowApiFromAnywhere: config.eks.allowApiFromAnywhere,
      adminRoleArns: config.eks.adminRoleArns,
      cellServiceReplicas: config.eks.cellServiceReplicas,
    },
    opts,
  );

  const aurora = new AuroraGlobalDatabase(
    `${name}-aurora`,
    {
      identity,
      role,
      globalClusterIdentifier: globalName(config.app, "global"),
      engine: config.aurora.engine,
      engineVersion: config.aurora.engineVersion,
      instanceClass: config.aurora.instanceClass,
      instances: config.aurora.instances,
      databaseName: config.aurora.databaseName,
      masterUsername: config.aurora.masterUsername,
      backupRetentionDays: config.aurora.backupRetentionDays,
      kmsKeyArn: key.keyArn,
      vpcId: network.vpcId,
      subnetIds: network.isolatedSubnetIds,
      allowedCidrBlocks: vpcCidrs,
      replicaRegions: peerRegions,
      masterSecretArn: home
        ? replicaSecretArn(home.stores.secrets.secretArn, config.region)
        : undefined,
    },
    opts,
  );

  const tables = new GlobalTables(
    `${name}-tables`,
    {
      identity,
      role,
      tables: config.dynamodb.tables,
      kmsKeyArn: key.keyArn,
      homeTableArns: home
        ? Object.fromEntries(
            [...home.stores.dynamodb, home.stores.controlTable!].map((t) => [
              t.tableName,
              t.tableArn,
            ]),
          )
        : undefined,
    },
    opts,
  );

  // One replicator per peer, in this region: every cell receives every other cell's records.
  const mskPeers = config.peers.map((p) => {
    const theirs = readyPeers.find((r) => r.peer.region === p.region)?.manifest.stores.msk;
    const reverse = theirs?.replicators.find((x) => x.sourceRegion === config.region);
    return {
      region: p.region,
      stack: p.stack,
      source: theirs && {
        clusterArn: theirs.clusterArn,
        clientSubnetIds: theirs.clientSubnetIds,
        securityGroupIds: theirs.securityGroupIds,
        reverseReplicatorMode: reverse?.offsetSyncMode,
        reverseReplicatorStartingPosition: reverse?.startingPosition,
      },
    };
  });
  for (const p of mskPeers.filter((x) => !x.source)) {
    deferred.push({
      what: `the MSK replicator that pulls from ${p.stack}`,
      waitsFor: p.stack,
      loggedByComponent: true,
    });
  }
  const msk = new StreamingCell(
    `${name}-msk`,
    {
      identity,
      kafkaVersion: config.msk.kafkaVersion,
      brokerInstanceType: config.msk.brokerInstanceType,
      brokersPerAz: config.msk.brokersPerAz,
      azCount: config.network.azCount,
      volumeGb: config.msk.volumeGb,
      topics: config.msk.topics,
      kmsKeyArn: key.keyArn,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      allowedCidrBlocks: vpcCidrs,
      peers: mskPeers,
      offsetSyncMode: config.msk.offsetSyncMode,
      startingPosition: config.msk.startingPosition,
    },
    opts,
  );

  for (const r of msk.plannedReplicators.filter((x) => x.offsetSyncMode === "LEGACY")) {
    const peer = config.peers.find((p) => p.region === r.sourceRegion);
    if (peer && config.msk.offsetSyncMode !== "LEGACY") {
      deferred.push({
        what: `ENHANCED offset sync for the MSK replicator from ${peer.stack} (LEGACY until ${peer.stack} replicates from this cell)`,
        waitsFor: peer.stack,
      });
    }
  }

  const cache = new CacheCell(
    `${name}-cache`,
    {
      identity,
      role,
      engine: config.cache.engine,
      engineVersion: config.cache.engineVersion,
      nodeType: config.cache.nodeType,
      replicas: config.cache.replicas,
      kmsKeyArn: key.keyArn,
      vpcId: network.vpcId,
      // Isolated subnets (subnetLayout.ts): the cache needs no route out of the VPC.
      subnetIds: network.isolatedSubnetIds,
      allowedCidrBlocks: vpcCidrs,
      globalDatastoreSuffix: globalName(config.app, "global"),
      globalReplicationGroupId: home?.stores.cache.globalReplicationGroupId ?? undefined,
    },
    opts,
  );

  const destinations = readyPeers.map((p) => ({
    bucketArn: p.manifest.stores.s3.bucketArn,
    region: p.manifest.region,
    kmsKeyArn: p.manifest.stores.kms.keyArn,
  }));
  for (const p of peers.filter((r) => !r.manifest)) {
    deferred.push({
      what: `S3 replication to the bucket of ${p.peer.stack}`,
      waitsFor: p.peer.stack,
    });
  }
  const bucket = new ReplicatedBucket(
    `${name}-bucket`,
    { identity, kmsKeyArn: key.keyArn, destinations },
    opts,
  );

  const queue = new WorkQueue(
    `${name}-queue`,
    {
      identity,
      kmsKeyArn: key.keyArn,
      maxReceiveCount: config.queue.maxReceiveCount,
      visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
    },
    opts,
  );

  const peerGates = peerGatesFor(config, readyPeers);
  const traffic = new CellTraffic(
    `${name}-traffic`,
    {
      identity,
      stackName: config.stackName,
      hostedZoneId: config.dns.hostedZoneId,
      zoneName: config.dns.zoneName,
      serviceName: config.dns.serviceName,
      writerName: config.dns.writerName,
      ttlSeconds: config.dns.ttlSeconds,
      healthCheckPath: config.dns.healthCheckPath,
      healthCheckIntervalSeconds: config.dns.healthCheckIntervalSeconds,
      healthCheckFailureThreshold: config.dns.healthCheckFailureThreshold,
      loadBalancerDnsName: compute.loadBalancerDnsName,
      loadBalancerZoneId: compute.loadBalancerZoneId,
      cellRegions: [config.region, ...peerRegions],
      peerGates,
      trafficSwitch: config.trafficSwitch,
    },
    opts,
  );
  for (const p of config.peers.filter((x) => traffic.waitingForGates.includes(x.region))) {
    deferred.push({
      what: `the writer record (its gate check needs the writer gate ${p.stack} hosts for this cell)`,
      waitsFor: p.stack,
    });
  }

  // The event path and the job workflow; FUNCTIONS and API consume its outputs.
  const events = new CellEvents(
    `${name}-events`,
    cellEventsArgs(config, {
      identity,
      kmsKeyArn: key.keyArn,
      lakeBucketArn: bucket.bucketArn,
      tables: tables.tables,
      controlTable: tables.controlTable,
    }),
    opts,
  );

  // The Lambda consumers: the queue -> the tables, a table's stream -> the bus and topic.
  const functions = new CellFunctions(
    `${name}-functions`,
    cellFunctionsArgs(config, {
      identity,
      kmsKeyArn: key.keyArn,
      queueArn: queue.queueArn,
      tables: tables.tables,
      controlTable: tables.controlTable,
      tablesResource: tables,
      events: { busName: events.busName, busArn: events.busArn, topicArn: events.topicArn },
    }),
    opts,
  );

  // The API layer: the writer API's record moves with traffic's writer check, so it waits
  // for it; a peer's user pool is accepted once its manifest publishes it.
  const writerCheckReady = traffic.waitingForGates.length === 0;
  if (!writerCheckReady) {
    deferred.push({
      what: "the writer API record (behind the same writer check as the writer record)",
      waitsFor: config.peers.find((p) => traffic.waitingForGates.includes(p.region))!.stack,
    });
  }
  for (const p of config.peers.filter(
    (x) => !readyPeers.find((r) => r.peer.region === x.region)?.manifest.api,
  )) {
    deferred.push({
      what: `accepting sign-ins from the Cognito user pool of ${p.stack} on this cell's API`,
      waitsFor: p.stack,
    });
  }
  const api = new CellApi(
    `${name}-api`,
    {
      identity,
      hostedZoneId: config.dns.hostedZoneId,
      zoneName: config.dns.zoneName,
      serviceName: config.api.serviceName,
      writerName: config.api.writerName,
      certificateArn: config.api.certificateArn ?? config.dns.certificateArn,
      ttlSeconds: config.dns.ttlSeconds,
      healthCheckIntervalSeconds: config.dns.healthCheckIntervalSeconds,
      healthCheckFailureThreshold: config.dns.healthCheckFailureThreshold,
      throttleRateLimit: config.api.throttle.rateLimit,
      throttleBurstLimit: config.api.throttle.burstLimit,
      logRetentionDays: config.api.logRetentionDays,
      manageAccountLogRole: config.api.manageAccountLogRole,
      tokenValidityMinutes: config.api.tokenValidityMinutes,
      queueArn: queue.queueArn,
      kmsKeyArn: key.keyArn,
      stateMachineArn: events.stateMachineArn,
      writerHealthCheckId: writerCheckReady
        ? traffic.writerHealthCheckId.apply((id) => id!)
        : undefined,
      peerUserPoolArns: readyPeers.flatMap((p) =>
        p.manifest.api ? [p.manifest.api.userPool.userPoolArn] : [],
      ),
    },
    opts,
  );

  const observability = new CellObservability(
    `${name}-observability`,
    {
      identity,
      peerRegions,
      auroraClusterIdentifier: aurora.clusterIdentifier,
      // Plain names from config, so the alarms are known at preview.
      tableNames: config.dynamodb.tables.map((t) => globalName(config.app, t.name)),
      replicators: msk.plannedReplicators,
      loadBalancerArnSuffix: compute.loadBalancerArnSuffix,
      thresholds: config.alarms,
    },
    opts,
  );

  // The global edge: the home stack's, like the other global objects (docs/layers/edge.md).
  const edgeArgs = edgeArgsFor(config, identity);
  const edge = edgeArgs ? new Edge(`${name}-edge`, edgeArgs, opts) : undefined;

  const manifest = cellManifest(
    config,
    { network, key, compute, aurora, tables, msk, cache, bucket, queue, traffic },
    { events, functions, api, edge },
    deferred,
    args.generatedAt,
  );

  for (const d of deferred.filter((x) => !x.loggedByComponent)) {
    void pulumi.log.info(
      `Deferred: ${d.what}. Stack ${d.waitsFor} has no DR manifest yet; after it is deployed, ` +
        `run 'pulumi up -s ${config.stackName}' again to add it.`,
      parent,
    );
  }
  return {
    manifest,
    deferred,
    network,
    key,
    compute,
    aurora,
    tables,
    msk,
    cache,
    bucket,
    queue,
    traffic,
    events,
    functions,
    api,
    observability,
    edge,
  };
}

/**
 * The gates the peers host for this cell, from their manifests. Every cell must switch writers
 * the same way and count the same witness regions, or a majority would mean different things.
 */
export function peerGatesFor(
  config: DrConfig,
  readyPeers: Array<PeerRead & { manifest: DrManifest }>,
): PeerGate[] {
  const own = config.trafficSwitch;
  const ownWitnesses = own.type === "cloudwatch-gate" ? [...own.witnessRegions].sort() : [];
  const issues: { key: string; message: string }[] = [];
  const gates: PeerGate[] = [];
  for (const p of readyPeers) {
    const sw = p.manifest.traffic.switch;
    if (sw.type !== own.type) {
      issues.push({
        key: "dr:trafficSwitch.type",
        message: `is ${own.type} but peer ${p.peer.stack} uses ${sw.type}; every cell must switch writers the same way.`,
      });
      continue;
    }
    if (sw.type !== "cloudwatch-gate") continue;
    const theirs = [...sw.witnessRegions].sort();
    if (theirs.join(",") !== ownWitnesses.join(",")) {
      issues.push({
        key: "dr:trafficSwitch.witnessRegions",
        message: `is [${ownWitnesses.join(", ")}] but peer ${p.peer.stack} has [${theirs.join(", ")}]; every cell must list the same witness regions.`,
      });
    }
    for (const g of p.manifest.traffic.hostedGates) {
      if (g.forRegion !== config.region) continue;
      gates.push({
        region: g.region,
        alarmName: g.alarmName,
        healthCheckId: g.healthCheckId,
        hostedBy: p.manifest.stack,
      });
    }
  }
  if (issues.length > 0) {
    throw new InputValidationError(`Config of stack ${config.stackName}`, issues);
  }
  return gates;
}
