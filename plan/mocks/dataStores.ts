import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of the replicated stores: Aurora, DynamoDB, ElastiCache, KMS, S3, secrets, SQS. */
export const DATA_STORE_OUTPUTS: Record<string, OutputsFor> = {
  "aws:rds/globalCluster:GlobalCluster": (r) => ({
    arn: `arn:aws:rds::${MOCK_ACCOUNT_ID}:global-cluster:${physicalName(r)}`,
    globalClusterResourceId: `cluster-${stableHex(r.name, 20)}`,
  }),
  "aws:rds/cluster:Cluster": (r) => {
    const id = physicalName(r);
    return {
      arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:cluster:${id}`,
      endpoint: `${id}.cluster-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
      readerEndpoint: `${id}.cluster-ro-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
      clusterResourceId: `cluster-${stableHex(id, 20)}`,
    };
  },
  "aws:rds/clusterInstance:ClusterInstance": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db:${physicalName(r)}`,
    endpoint: `${physicalName(r)}.${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
  }),
  "aws:rds/proxy:Proxy": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db-proxy:prx-${stableHex(r.name, 17)}`,
    endpoint: `${physicalName(r)}.proxy-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
  }),
  "aws:dynamodb/table:Table": (r) => ({
    arn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${physicalName(r)}`,
    streamArn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${physicalName(r)}/stream/2026-01-01T00:00:00.000`,
    streamLabel: "2026-01-01T00:00:00.000",
  }),
  "aws:dynamodb/tableReplica:TableReplica": (r) => {
    const table = String(r.inputs.globalTableArn ?? "").split("/").pop() ?? r.name;
    return { arn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${table}`, id: `${table}:${r.region}` };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (r) => ({
    arn: `arn:aws:elasticache:${r.region}:${MOCK_ACCOUNT_ID}:replicationgroup:${physicalName(r)}`,
    primaryEndpointAddress: `master.${physicalName(r)}.${stableHex(r.region, 6)}.${r.region.replace(/-/g, "")}.cache.amazonaws.com`,
    readerEndpointAddress: `replica.${physicalName(r)}.${stableHex(r.region, 6)}.${r.region.replace(/-/g, "")}.cache.amazonaws.com`,
  }),
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (r) => {
    // AWS prefixes the suffix with a fixed, account-specific string.
    const id = `ldgnf-${String(r.inputs.globalReplicationGroupIdSuffix ?? r.name)}`;
    return { id, globalReplicationGroupId: id, arn: `arn:aws:elasticache::${MOCK_ACCOUNT_ID}:globalreplicationgroup:${id}` };
  },
  "aws:kms/key:Key": (r) => {
    const keyId = `mrk-${stableHex(r.name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:kms/replicaKey:ReplicaKey": (r) => {
    const keyId = String(r.inputs.primaryKeyArn ?? "").split("/").pop() || `mrk-${stableHex(r.name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:s3/bucket:Bucket": (r) => ({
    arn: `arn:aws:s3:::${physicalName(r)}`,
    bucketDomainName: `${physicalName(r)}.s3.amazonaws.com`,
  }),
  "aws:secretsmanager/secret:Secret": (r) => ({
    arn: `arn:aws:secretsmanager:${r.region}:${MOCK_ACCOUNT_ID}:secret:${physicalName(r)}-${stableHex(r.name, 6)}`,
  }),
  "aws:sqs/queue:Queue": (r) => ({
    arn: `arn:aws:sqs:${r.region}:${MOCK_ACCOUNT_ID}:${physicalName(r)}`,
    url: `https://sqs.${r.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physicalName(r)}`,
  }),
  "random:index/randomPassword:RandomPassword": (r) => ({
    result: `mock-password-${stableHex(r.name, 16)}`,
  }),
};
