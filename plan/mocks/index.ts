import type { MockedResource } from "../render";
import { AURORA_KMS_SECRETS_OUTPUTS } from "./auroraKmsSecrets";
import { TABLES_CACHE_STORAGE_OUTPUTS } from "./tablesCacheStorage";
import { NETWORK_COMPUTE_OUTPUTS } from "./networkCompute";
import { STREAMING_TRAFFIC_OUTPUTS } from "./streamingTraffic";
import { arnFor, MOCK_ACCOUNT_ID, physicalName } from "./common";

/**
 * Realistic computed outputs for the offline render, per resource type: what AWS would
 * report after creation (ARNs in the resource's own region, endpoints, ids). Types without an
 * entry get an ARN and id derived from their name, which is enough for wiring assertions.
 */
export type OutputsFor = (r: MockedResource) => Record<string, unknown>;

const BY_TYPE: Record<string, OutputsFor> = {
  ...AURORA_KMS_SECRETS_OUTPUTS,
  ...TABLES_CACHE_STORAGE_OUTPUTS,
  ...NETWORK_COMPUTE_OUTPUTS,
  ...STREAMING_TRAFFIC_OUTPUTS,
};

export function computedOutputs(r: MockedResource): { id: string; state: Record<string, unknown> } {
  const specific = BY_TYPE[r.type]?.(r) ?? {};
  const id = typeof specific.id === "string" ? specific.id : physicalName(r);
  return { id, state: { arn: arnFor(r, id), ...specific, id } };
}

export { MOCK_ACCOUNT_ID, arnFor, physicalName };
