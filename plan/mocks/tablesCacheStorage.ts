import type { OutputsFor } from "./index";
import type { MockedResource } from "../render";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of DynamoDB, ElastiCache, S3 and SQS. */
export const TABLES_CACHE_STORAGE_OUTPUTS: Record<string, OutputsFor> = {
  "aws:dynamodb/table:Table": (r) => ({
    arn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${physicalName(r)}`,
    streamArn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${physicalName(r)}/stream/2026-01-01T00:00:00.000`,
    streamLabel: "2026-01-01T00:00:00.000",
  }),
  "aws:dynamodb/tableReplica:TableReplica": (r) => {
    const table =
      String(r.inputs.globalTableArn ?? "")
        .split("/")
        .pop() ?? r.name;
    return {
      arn: `arn:aws:dynamodb:${r.region}:${MOCK_ACCOUNT_ID}:table/${table}`,
      id: `${table}:${r.region}`,
    };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (r) => ({
    arn: `arn:aws:elasticache:${r.region}:${MOCK_ACCOUNT_ID}:replicationgroup:${physicalName(r)}`,
    primaryEndpointAddress: `master.${physicalName(r)}.${stableHex(r.region, 6)}.${r.region.replace(/-/g, "")}.cache.amazonaws.com`,
    readerEndpointAddress: `replica.${physicalName(r)}.${stableHex(r.region, 6)}.${r.region.replace(/-/g, "")}.cache.amazonaws.com`,
  }),
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (r) => {
    // AWS prefixes the suffix with a fixed, account-specific string.
    const id = `ldgnf-${String(r.inputs.globalReplicationGroupIdSuffix ?? r.name)}`;
    return {
      id,
      globalReplicationGroupId: id,
      arn: `arn:aws:elasticache::${MOCK_ACCOUNT_ID}:globalreplicationgroup:${id}`,
    };
  },
  "aws:s3/bucket:Bucket": (r) => {
    const name = bucketName(r);
    return {
      id: name,
      bucket: name,
      arn: `arn:aws:s3:::${name}`,
      bucketDomainName: `${name}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${name}.s3.${r.region}.amazonaws.com`,
      region: r.region,
    };
  },
  "aws:sqs/queue:Queue": (r) => ({
    arn: `arn:aws:sqs:${r.region}:${MOCK_ACCOUNT_ID}:${physicalName(r)}`,
    url: `https://sqs.${r.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physicalName(r)}`,
  }),
};

/**
 * The name AWS would give a bucket: the explicit `bucket`, else the prefix or the Pulumi name
 * (lowercased) plus a random-looking suffix, as Pulumi's autonaming does.
 */
function bucketName(r: MockedResource): string {
  if (typeof r.inputs.bucket === "string" && r.inputs.bucket.length > 0) return r.inputs.bucket;
  const prefix =
    typeof r.inputs.bucketPrefix === "string" ? r.inputs.bucketPrefix : `${r.name.toLowerCase()}-`;
  return `${prefix}${stableHex(r.name, 7)}`;
}
