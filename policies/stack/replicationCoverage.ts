import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/policy";
import { at, list, physicalName, str } from "../lib/props";
import { BUCKET_TYPES, T } from "../lib/types";
import { ownManifest } from "./ownManifest";

/** Stateful AWS types this platform has no cross-region replication path for. */
const UNREPLICATED_TYPES: Record<string, string> = {
  "aws:rds/instance:Instance": "use Aurora (aws.rds.Cluster in the global cluster) instead",
  "aws:elasticache/cluster:Cluster":
    "use an aws.elasticache.ReplicationGroup in the global datastore",
  "aws:efs/fileSystem:FileSystem": "add an aws.efs.ReplicationConfiguration to the peer region",
  "aws:docdb/cluster:Cluster": "join it to an aws.docdb.GlobalCluster",
  "aws:neptune/cluster:Cluster": "join it to an aws.neptune.GlobalCluster",
  "aws:opensearch/domain:Domain":
    "keep the data in a replicated store or snapshot it to a replicated bucket",
  "aws:ebs/volume:Volume": "keep state off node volumes, in a replicated store",
  "aws:memorydb/cluster:Cluster": "use an aws.elasticache.ReplicationGroup in the global datastore",
};

export const drReplicationCoverage = stackPolicy({
  name: "dr-replication-coverage",
  description:
    "Every stateful store in the cell has a cross-region replication path: Aurora in a global cluster, DynamoDB tables published as global tables, MSK clusters fed by a replicator, caches in a global datastore, buckets replicated, secrets replicated. SQS queues are regional by design (drained on switchover). A store without a path is lost with its region.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const own = ownManifest(stack);
    const manifest = own.kind === "valid" ? own.manifest : undefined;
    // On a first deploy the peer-facing halves (replicators, bucket replication, cache
    // secondaries) wait for the peer; dr-deferred-replication reports them instead.
    const deferred = (manifest?.deferred.length ?? 0) > 0;
    const gap = (r: PolicyResource, what: string, fix: string, deferrable: boolean) => {
      if (deferrable && deferred) return;
      report(`${what} ${physicalName(r.props, r.name)} has no replication path; ${fix}.`, r);
    };

    for (const c of stack.ofType(T.auroraCluster)) {
      if (!str(c.props.globalClusterIdentifier)) {
        gap(c, "Aurora cluster", "make it a member of the global cluster", false);
      }
    }

    const published = new Set([
      ...(manifest?.stores.dynamodb.map((t) => t.tableName) ?? []),
      ...(manifest?.stores.controlTable ? [manifest.stores.controlTable.tableName] : []),
    ]);
    for (const t of stack.ofType(T.dynamoTable)) {
      const name = str(t.props.name) ?? physicalName(t.props, t.name);
      if (!published.has(name) && list(t.props.replicas).length === 0) {
        gap(t, "DynamoDB table", "publish it in the drManifest so peers add a TableReplica", false);
      }
    }

    const replicatedClusters = new Set<string>();
    for (const rep of stack.ofType(T.mskReplicator)) {
      for (const info of list(rep.props.replicationInfoList)) {
        const target = str(at(info, "targetKafkaClusterArn"));
        if (target) replicatedClusters.add(target);
      }
    }
    for (const c of stack.ofType(T.mskCluster)) {
      const arn = str(c.props.arn);
      if (!arn || !replicatedClusters.has(arn)) {
        gap(
          c,
          "MSK cluster",
          "add an aws.msk.Replicator that targets it from the peer cluster",
          true,
        );
      }
    }

    const primaries = new Set(
      stack.ofType(T.globalReplicationGroup).map((g) => str(g.props.primaryReplicationGroupId)),
    );
    for (const rg of stack.ofType(T.replicationGroup)) {
      const id = str(rg.props.replicationGroupId) ?? str(rg.props.id);
      if (!str(rg.props.globalReplicationGroupId) && !(id && primaries.has(id))) {
        gap(rg, "Cache", "make it the primary or a secondary of the global datastore", true);
      }
    }

    const replicatedBuckets = new Set(
      stack
        .ofType(T.bucketReplication)
        .filter((c) => list(c.props.rules).some((rule) => at(rule, "status") === "Enabled"))
        .map((c) => str(c.props.bucket)),
    );
    for (const b of stack.ofType(...BUCKET_TYPES)) {
      const refs = [str(b.props.bucket), str(b.props.id), physicalName(b.props, b.name)];
      if (!refs.some((r) => r && replicatedBuckets.has(r))) {
        gap(
          b,
          "Bucket",
          "add an aws.s3.BucketReplicationConfig with an Enabled rule to the peer bucket",
          true,
        );
      }
    }

    for (const s of stack.ofType(T.secret)) {
      if (list(s.props.replicas).length === 0) {
        gap(s, "Secret", "add replicas in the peer regions", false);
      }
    }

    for (const r of stack.resources) {
      const fix = UNREPLICATED_TYPES[r.type];
      if (fix) gap(r, r.type, fix, false);
    }
  },
});
