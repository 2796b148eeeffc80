import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of Aurora, RDS Proxy, KMS, Secrets Manager and generated passwords. */
export const AURORA_KMS_SECRETS_OUTPUTS: Record<string, OutputsFor> = {
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
  "aws:rds/clusterInstance:ClusterInstance": (r) => {
    // physicalName would pick the instance's clusterIdentifier input; the instance's own id
    // is its `identifier`.
    const id = typeof r.inputs.identifier === "string" ? r.inputs.identifier : r.name;
    return {
      id,
      arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db:${id}`,
      endpoint: `${id}.${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
      dbiResourceId: `db-${stableHex(id, 26).toUpperCase()}`,
    };
  },
  "aws:rds/subnetGroup:SubnetGroup": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:subgrp:${physicalName(r)}`,
  }),
  "aws:rds/proxy:Proxy": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db-proxy:prx-${stableHex(r.name, 17)}`,
    endpoint: `${physicalName(r)}.proxy-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
  }),
  "aws:rds/proxyEndpoint:ProxyEndpoint": (r) => {
    const name = String(r.inputs.dbProxyEndpointName ?? r.name);
    return {
      id: `${String(r.inputs.dbProxyName ?? "")}/${name}`,
      arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db-proxy-endpoint:prx-endpoint-${stableHex(r.name, 17)}`,
      endpoint: `${name}.endpoint.proxy-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
      isDefault: false,
    };
  },
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": (r) => ({
    id: String(r.inputs.dbProxyName ?? r.name),
    name: "default",
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:target-group:prx-tg-${stableHex(r.name, 17)}`,
  }),
  "aws:rds/proxyTarget:ProxyTarget": (r) => ({
    id: [
      r.inputs.dbProxyName,
      r.inputs.targetGroupName,
      "TRACKED_CLUSTER",
      r.inputs.dbClusterIdentifier,
    ].join(","),
    type: "TRACKED_CLUSTER",
    rdsResourceId: String(r.inputs.dbClusterIdentifier ?? ""),
  }),
  "aws:kms/key:Key": (r) => {
    const keyId = `mrk-${stableHex(r.name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:kms/replicaKey:ReplicaKey": (r) => {
    const keyId =
      String(r.inputs.primaryKeyArn ?? "")
        .split("/")
        .pop() || `mrk-${stableHex(r.name, 32)}`;
    return { id: keyId, keyId, arn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (r) => {
    const name = physicalName(r);
    return {
      id: name,
      arn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:${name}`,
      targetKeyArn: `arn:aws:kms:${r.region}:${MOCK_ACCOUNT_ID}:key/${String(r.inputs.targetKeyId ?? "")}`,
    };
  },
  "aws:secretsmanager/secret:Secret": (r) => {
    // A secret's id is its ARN; replicas share the name and suffix, in their own region.
    const suffix = `${physicalName(r)}-${stableHex(r.name, 6)}`;
    const arn = `arn:aws:secretsmanager:${r.region}:${MOCK_ACCOUNT_ID}:secret:${suffix}`;
    const replicas = Array.isArray(r.inputs.replicas) ? r.inputs.replicas : [];
    return {
      id: arn,
      arn,
      replicas: replicas.map((replica) => ({
        ...(replica as Record<string, unknown>),
        status: "InSync",
        statusMessage: "Replication succeeded",
      })),
    };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (r) => {
    const versionId = `${stableHex(r.name, 8)}-${stableHex(r.name + "v", 4)}-${stableHex(r.name + "w", 4)}-${stableHex(r.name + "x", 4)}-${stableHex(r.name + "y", 12)}`;
    return {
      id: `${String(r.inputs.secretId ?? r.name)}|${versionId}`,
      versionId,
      arn: String(r.inputs.secretId ?? ""),
      versionStages: ["AWSCURRENT"],
    };
  },
  "random:index/randomPassword:RandomPassword": (r) => ({
    result: `mock-password-${stableHex(r.name, 16)}`,
    bcryptHash: `$2a$10$${stableHex(r.name + "bcrypt", 53)}`,
  }),
};
