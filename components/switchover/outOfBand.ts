/**
 * Which region writes is a runtime fact, changed by the failover commands, never by IaC. A
 * switchover or failover makes AWS change some properties behind Pulumi's back; if the
 * program then "corrected" them, `pulumi up` would detach a cluster from its global cluster,
 * replace the global cluster, or fight the failover over who writes. These tables are the
 * single source of truth: the components put OUT_OF_BAND_PROPERTIES in `ignoreChanges`, the
 * policy pack checks they did, and the switchover-safety tests diff against them.
 */

/** Properties AWS changes during a switchover/failover, per resource type. */
export const OUT_OF_BAND_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "aws:rds/globalCluster:GlobalCluster": [
    // The writer cluster changes on every switchover.
    "sourceDbClusterIdentifier",
    // Minor version upgrades are applied across the global cluster out of band.
    "engineVersion",
    // Reported from the writer; a diff here replaces the global cluster (ForceNew).
    "databaseName",
  ],
  "aws:rds/cluster:Cluster": [
    // A failover can detach/re-attach members; never let IaC detach a cluster.
    "globalClusterIdentifier",
    // Set by AWS on secondaries, to the current primary.
    "replicationSourceIdentifier",
    "engineVersion",
    // A promoted secondary reports the global cluster's values; both are ForceNew.
    "masterUsername",
    "databaseName",
  ],
  "aws:rds/clusterInstance:ClusterInstance": ["engineVersion"],
  "aws:dynamodb/table:Table": [
    // Replicas are managed by aws.dynamodb.TableReplica in the other stacks.
    "replicas",
  ],
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": [
    // Changes on every global datastore failover; ForceNew in the provider.
    "primaryReplicationGroupId",
    "engineVersion",
  ],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["engineVersion", "parameterGroupName"],
  "aws:route53/healthCheck:HealthCheck": [
    // The last-resort, control-plane fence (UpdateHealthCheck) inverts a writer health check;
    // a later `pulumi up` must not silently un-fence the cell. The program never sets it.
    "invertHealthcheck",
  ],
  "aws:eks/nodeGroup:NodeGroup": [
    // A failover scales the surviving cell's nodes up (so may an autoscaler); a later
    // `pulumi up` must not scale the new writer back down.
    "scalingConfig.desiredSize",
  ],
  "aws:lambda/eventSourceMapping:EventSourceMapping": [
    // Writer-only consumers (components/functions): the failover commands enable the mapping
    // in the new writer and disable it in the old one; `pulumi up` must not undo either.
    "enabled",
  ],
};

/**
 * Properties whose change makes the provider replace the resource (ForceNew) or, for a
 * cluster, leave its global cluster. A post-switchover `pulumi preview` must change none.
 */
export const DESTRUCTIVE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "aws:rds/globalCluster:GlobalCluster": [
    "globalClusterIdentifier",
    "engine",
    "databaseName",
    "storageEncrypted",
    "sourceDbClusterIdentifier",
  ],
  "aws:rds/cluster:Cluster": [
    "clusterIdentifier",
    "engine",
    "databaseName",
    "masterUsername",
    "kmsKeyId",
    "storageEncrypted",
    "globalClusterIdentifier",
  ],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"],
  "aws:dynamodb/tableReplica:TableReplica": ["globalTableArn"],
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": [
    "globalReplicationGroupIdSuffix",
    "primaryReplicationGroupId",
  ],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    "replicationGroupId",
    "globalReplicationGroupId",
  ],
  "aws:kms/replicaKey:ReplicaKey": ["primaryKeyArn"],
};

/** The ignoreChanges list for a resource type (empty when AWS changes nothing out of band). */
export function outOfBandProperties(type: string): string[] {
  return [...(OUT_OF_BAND_PROPERTIES[type] ?? [])];
}
