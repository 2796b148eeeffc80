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
  "aws:rds/clusterInstance:ClusterInstance": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db:${physicalName(r)}`,
    endpoint: `${physicalName(r)}.${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
  }),
  "aws:rds/proxy:Proxy": (r) => ({
    arn: `arn:aws:rds:${r.region}:${MOCK_ACCOUNT_ID}:db-proxy:prx-${stableHex(r.name, 17)}`,
    endpoint: `${physicalName(r)}.proxy-${stableHex(r.region, 12)}.${r.region}.rds.amazonaws.com`,
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
  "aws:secretsmanager/secret:Secret": (r) => ({
    arn: `arn:aws:secretsmanager:${r.region}:${MOCK_ACCOUNT_ID}:secret:${physicalName(r)}-${stableHex(r.name, 6)}`,
  }),
  "random:index/randomPassword:RandomPassword": (r) => ({
    result: `mock-password-${stableHex(r.name, 16)}`,
  }),
};
