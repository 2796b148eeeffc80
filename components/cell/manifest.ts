import * as pulumi from "@pulumi/pulumi";
import type { DrConfig } from "../../config";
import { DrManifest, MANIFEST_SCHEMA_VERSION } from "../../manifest";
import type { CellNetwork } from "../network";
import type { CellKey } from "../kms";
import type { CellCompute } from "../compute";
import type { AuroraGlobalDatabase } from "../aurora";
import type { GlobalTables } from "../dynamodb";
import type { StreamingCell } from "../msk";
import type { CacheCell } from "../cache";
import type { ReplicatedBucket } from "../storage";
import type { WorkQueue } from "../queue";
import type { CellTraffic } from "../traffic";
import type { CellEvents } from "../events";
import type { CellFunctions } from "../functions";
import type { CellApi } from "../api";
import type { Edge } from "../edge";
import type { Deferral } from "./cell";

/** The cell's stores and traffic: what every manifest holds. */
export interface ManifestCore {
  network: CellNetwork;
  key: CellKey;
  compute: CellCompute;
  aurora: AuroraGlobalDatabase;
  tables: GlobalTables;
  msk: StreamingCell;
  cache: CacheCell;
  bucket: ReplicatedBucket;
  queue: WorkQueue;
  traffic: CellTraffic;
}

/** The application layers (issue 10); the edge only in the home cell. */
export interface ManifestLayers {
  events: CellEvents;
  functions: CellFunctions;
  api: CellApi;
  edge?: Edge;
}

/**
 * The DR manifest the cell publishes: the contract with the peers, the policy pack and the
 * failover commands (manifest/schema.ts).
 */
export function cellManifest(
  config: DrConfig,
  { network, key, compute, aurora, tables, msk, cache, bucket, queue, traffic }: ManifestCore,
  { events, functions, api, edge }: ManifestLayers,
  deferred: Deferral[],
  generatedAt: string | undefined,
): pulumi.Output<DrManifest> {
  const role = config.role;
  const peerRegions = config.peers.map((p) => p.region);
  return pulumi
    .output({
      vpcId: network.vpcId,
      loadBalancerDnsName: compute.loadBalancerDnsName,
      kms: { keyArn: key.keyArn, keyId: key.keyId, primaryKeyArn: key.primaryKeyArn },
      aurora: {
        globalClusterIdentifier: aurora.globalClusterIdentifier,
        globalClusterArn: aurora.globalClusterArn,
        clusterIdentifier: aurora.clusterIdentifier,
        clusterArn: aurora.clusterArn,
        writerEndpoint: aurora.writerEndpoint,
        readerEndpoint: aurora.readerEndpoint,
        proxyEndpoint: aurora.proxyEndpoint,
        secretArn: aurora.masterSecretArn,
      },
      tables: tables.tables,
      controlTable: tables.controlTable,
      msk: msk.manifestMsk,
      cache: {
        replicationGroupId: cache.replicationGroupId,
        globalReplicationGroupId: cache.globalReplicationGroupId,
        primaryEndpoint: cache.primaryEndpoint,
      },
      s3: {
        bucketName: bucket.bucketName,
        bucketArn: bucket.bucketArn,
        replicationDestinations: bucket.replicationDestinations,
      },
      queue: {
        queueUrl: queue.queueUrl,
        queueArn: queue.queueArn,
        deadLetterQueueArn: queue.deadLetterQueueArn,
      },
      traffic: traffic.manifestTraffic,
      regionalName: traffic.regionalName,
      writerRecordName: traffic.writerRecordName,
      edge: edge?.manifestEdge ?? null,
      events: events.manifestEvents,
      functions: functions.manifestFunctions,
      api: api.manifestApi,
    })
    .apply((v): DrManifest => ({
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      app: config.app,
      stack: config.stackName,
      cell: config.cell,
      region: config.region,
      homeRegion: config.homeRegion,
      roleAtCreation: role,
      peers: config.peers.map((p) => ({ stack: p.stack, region: p.region })),
      generatedAt: generatedAt ?? new Date().toISOString(),
      targets: { tier: config.tier, ...config.targets },
      budget: config.budget,
      network: { vpcId: v.vpcId, cidr: config.network.cidr, azCount: config.network.azCount },
      endpoints: {
        loadBalancerDnsName: v.loadBalancerDnsName,
        regionalName: v.regionalName,
        serviceName: v.traffic.latencyRecord.name,
        writerName: v.writerRecordName,
      },
      stores: {
        aurora: {
          engine: config.aurora.engine,
          engineVersion: config.aurora.engineVersion,
          globalClusterIdentifier: v.aurora.globalClusterIdentifier,
          globalClusterArn: v.aurora.globalClusterArn,
          clusterIdentifier: v.aurora.clusterIdentifier,
          clusterArn: v.aurora.clusterArn,
          writerEndpoint: v.aurora.writerEndpoint,
          readerEndpoint: v.aurora.readerEndpoint,
          proxyEndpoint: v.aurora.proxyEndpoint,
          instanceClass: config.aurora.instanceClass,
          instances: config.aurora.instances,
        },
        dynamodb: v.tables.map((t) => ({
          tableName: t.tableName,
          tableArn: t.tableArn,
          partitionKey: t.partitionKey,
          ...(t.sortKey ? { sortKey: t.sortKey } : {}),
        })),
        controlTable: {
          tableName: v.controlTable.tableName,
          tableArn: v.controlTable.tableArn,
          partitionKey: v.controlTable.partitionKey,
        },
        msk: v.msk,
        cache: {
          engine: config.cache.engine,
          engineVersion: config.cache.engineVersion,
          replicationGroupId: v.cache.replicationGroupId,
          globalReplicationGroupId: v.cache.globalReplicationGroupId ?? null,
          primaryEndpoint: v.cache.primaryEndpoint,
          nodeType: config.cache.nodeType,
        },
        s3: v.s3,
        kms: { ...v.kms, multiRegion: true },
        secrets: {
          secretArn: v.aurora.secretArn,
          replicaRegions: role === "home" ? peerRegions : [],
        },
        queue: v.queue,
        events: v.events,
        functions: v.functions,
      },
      traffic: v.traffic,
      edge: v.edge,
      api: v.api,
      capacity: {
        eksInstanceType: config.eks.instanceType,
        eksDesiredNodes: config.eks.desiredNodes,
        eksMaxNodes: config.eks.maxNodes,
      },
      deferred: deferred.map(
        (d) =>
          `${d.what} (after 'pulumi up -s ${d.waitsFor}', run 'pulumi up -s ${config.stackName}' again)`,
      ),
    }));
}
