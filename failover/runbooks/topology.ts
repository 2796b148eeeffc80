import { DrManifest } from "../../manifest";
import { isAwsRegion } from "../../config/regions";
import { InputIssue, InputValidationError } from "../../validation/issues";
import { CloudWatchAdapter, MetricQuery, MetricSample, Region } from "../adapters/types";

/** The cells of one app, one manifest per region, checked against each other. */
export interface Topology {
  app: string;
  homeRegion: Region;
  /** Regions in manifest order. */
  regions: Region[];
  cells: Map<Region, DrManifest>;
  /** Where each manifest came from, for messages. */
  sources: Map<Region, string>;
}

export interface LoadedManifest {
  manifest: DrManifest;
  source: string;
}

/** Defaults to 30 days: older manifests probably predate a deploy that changed an ARN. */
export const DEFAULT_MAX_MANIFEST_AGE_DAYS = 30;

/**
 * Builds the topology and refuses manifests that do not describe one consistent deployment:
 * two manifests for a region, different apps, a peer without a manifest, a stale manifest (too
 * old, or written before its peers existed so its cross-region ids are missing).
 */
export function buildTopology(
  loaded: readonly LoadedManifest[],
  options: { nowMs: number; maxAgeDays?: number },
): Topology {
  const issues: InputIssue[] = [];
  if (loaded.length === 0) {
    throw new InputValidationError("--manifest", [
      {
        key: "--manifest",
        message:
          "no manifests found; write one per stack with 'pulumi stack output --json > manifests/<stack>.json' and pass --manifest manifests/.",
      },
    ]);
  }
  const cells = new Map<Region, DrManifest>();
  const sources = new Map<Region, string>();
  const app = loaded[0].manifest.app;
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_MANIFEST_AGE_DAYS;
  for (const { manifest, source } of loaded) {
    const key = (k: string) => `${source}: ${k}`;
    if (manifest.app !== app) {
      issues.push({
        key: key("app"),
        message: `is '${manifest.app}' but ${loaded[0].source} is for '${app}'; pass only one app's manifests.`,
      });
    }
    if (!isAwsRegion(manifest.region)) {
      issues.push({ key: key("region"), message: `'${manifest.region}' is not an AWS region.` });
    }
    const other = sources.get(manifest.region);
    if (other !== undefined) {
      issues.push({
        key: key("region"),
        message: `${manifest.region} is also described by ${other}; pass one manifest per region.`,
      });
      continue;
    }
    cells.set(manifest.region, manifest);
    sources.set(manifest.region, source);
    const ageDays = (options.nowMs - Date.parse(manifest.generatedAt)) / 86_400_000;
    if (ageDays > maxAgeDays) {
      issues.push({
        key: key("generatedAt"),
        message: `is ${Math.floor(ageDays)} days old (limit ${maxAgeDays}); re-export it with 'pulumi stack output --json -s ${manifest.stack} > ${source}', or pass --max-manifest-age ${Math.ceil(ageDays)} if you know it is current.`,
      });
    }
    if (manifest.deferred.length > 0) {
      issues.push({
        key: key("deferred"),
        message: `lists work a second 'pulumi up' adds (${manifest.deferred.join("; ")}); the manifest predates its peers. Run 'pulumi up' on stack ${manifest.stack} and re-export it.`,
      });
    }
  }
  for (const [region, manifest] of cells) {
    manifest.peers.forEach((peer, i) => {
      if (!cells.has(peer.region)) {
        issues.push({
          key: `${sources.get(region)}: peers[${i}].region`,
          message: `names ${peer.region} (stack ${peer.stack}) but no manifest for that region was given; add --manifest manifests/${peer.stack}.json.`,
        });
      }
    });
  }
  const globals = new Set(
    [...cells.values()].map((m) => m.stores.aurora?.globalClusterIdentifier ?? "<none>"),
  );
  if (globals.size > 1) {
    issues.push({
      key: "stores.aurora.globalClusterIdentifier",
      message: `differs between manifests (${[...globals].join(", ")}); re-export every stack's manifest.`,
    });
  }
  if (issues.length > 0) throw new InputValidationError("the DR manifests", issues);
  return {
    app,
    homeRegion: loaded[0].manifest.homeRegion,
    regions: [...cells.keys()],
    cells,
    sources,
  };
}

export function cell(topology: Topology, region: Region): DrManifest {
  const m = topology.cells.get(region);
  if (!m) throw new Error(`no manifest for ${region}`);
  return m;
}

/** The account the manifests' ARNs belong to (every cell is in one account). */
export function accountOf(manifest: DrManifest): string {
  return manifest.stores.kms.keyArn.split(":")[4];
}

/** `arn:aws:kafka:eu-west-1:1:replicator/name/uuid` -> `name`. */
export function replicatorName(arn: string): string {
  return arn.split(":").slice(5).join(":").split("/")[1] ?? arn;
}

/** The region field of an ARN. */
export function arnRegion(arn: string): Region {
  return arn.split(":")[3] ?? "";
}

const LOOKBACK_SECONDS = 300;

/**
 * Aurora's lag to a secondary cluster, published in the secondary's region (ms). AWS
 * recommends `AuroraGlobalDBRPOLag` (the age of the newest commit not yet on the secondary:
 * the data a failover would lose) where the engine publishes it (PostgreSQL, MySQL 3.04+);
 * `AuroraGlobalDBReplicationLag` is the fallback for older engines.
 */
export const AURORA_LAG_METRICS = ["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"] as const;

export function auroraLagQuery(
  clusterIdentifier: string,
  endTimeMs: number,
  metricName: (typeof AURORA_LAG_METRICS)[number] = AURORA_LAG_METRICS[0],
): MetricQuery {
  return {
    namespace: "AWS/RDS",
    metricName,
    dimensions: { DBClusterIdentifier: clusterIdentifier },
    stat: "Maximum",
    periodSeconds: 60,
    lookbackSeconds: LOOKBACK_SECONDS,
    endTimeMs,
  };
}

/** The newest Aurora lag datapoint: the RPO lag where published, else the replication lag. */
export async function latestAuroraLag(
  cloudwatch: CloudWatchAdapter,
  region: Region,
  clusterIdentifier: string,
  endTimeMs: number,
): Promise<(MetricSample & { metricName: string }) | undefined> {
  for (const metricName of AURORA_LAG_METRICS) {
    const sample = await cloudwatch.latestMetric(
      region,
      auroraLagQuery(clusterIdentifier, endTimeMs, metricName),
    );
    if (sample) return { ...sample, metricName };
  }
  return undefined;
}

/** DynamoDB's replication latency to `receivingRegion`, published in the sending region (ms). */
export function dynamoLatencyQuery(
  tableName: string,
  receivingRegion: Region,
  endTimeMs: number,
): MetricQuery {
  return {
    namespace: "AWS/DynamoDB",
    metricName: "ReplicationLatency",
    dimensions: { TableName: tableName, ReceivingRegion: receivingRegion },
    stat: "Maximum",
    periodSeconds: 60,
    lookbackSeconds: LOOKBACK_SECONDS,
    endTimeMs,
  };
}

/** MSK Replicator's backlog (messages not yet consumed from the source), in the target region. */
export function mskLagQuery(replicatorArn: string, endTimeMs: number): MetricQuery {
  return {
    namespace: "AWS/Kafka",
    metricName: "MessageLag",
    dimensions: { ReplicatorName: replicatorName(replicatorArn) },
    stat: "Sum",
    periodSeconds: 60,
    lookbackSeconds: LOOKBACK_SECONDS,
    endTimeMs,
  };
}

/** The DynamoDB tables whose replication matters, the control table included. */
export function replicatedTables(manifest: DrManifest): string[] {
  const names = manifest.stores.dynamodb.map((t) => t.tableName);
  if (manifest.stores.controlTable) names.push(manifest.stores.controlTable.tableName);
  return names;
}
