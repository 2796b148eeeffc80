import type { MockedResource } from "../render";
import { AURORA_KMS_SECRETS_OUTPUTS } from "./auroraKmsSecrets";
import { TABLES_CACHE_STORAGE_OUTPUTS } from "./tablesCacheStorage";
import { NETWORK_COMPUTE_OUTPUTS } from "./networkCompute";
import { STREAMING_TRAFFIC_OUTPUTS } from "./streamingTraffic";
import { IAM_OUTPUTS } from "./iam";
import { KUBERNETES_OUTPUTS } from "./kubernetes";
import { FUNCTIONS_OUTPUTS } from "./functions";
import { EDGE_OUTPUTS } from "./edge";
import { API_OUTPUTS } from "./api";
import { arnFor, MOCK_ACCOUNT_ID, physicalName } from "./common";

/**
 * Realistic computed outputs for the offline render, per resource type: what AWS would
 * report after creation (ARNs in the resource's own region, endpoints, ids). Types without an
 * entry get an ARN and id derived from their name, which is enough for wiring assertions.
 */
export type OutputsFor = (r: MockedResource) => Record<string, unknown>;

const BY_TYPE = mergeOutputTables([
  AURORA_KMS_SECRETS_OUTPUTS,
  TABLES_CACHE_STORAGE_OUTPUTS,
  NETWORK_COMPUTE_OUTPUTS,
  STREAMING_TRAFFIC_OUTPUTS,
  IAM_OUTPUTS,
  KUBERNETES_OUTPUTS,
  FUNCTIONS_OUTPUTS,
  EDGE_OUTPUTS,
  API_OUTPUTS,
]);

/** Merges the per-area tables; a type in two of them would silently shadow one, so it throws. */
export function mergeOutputTables(
  tables: Record<string, OutputsFor>[],
): Record<string, OutputsFor> {
  const merged: Record<string, OutputsFor> = {};
  for (const table of tables) {
    for (const [type, outputs] of Object.entries(table)) {
      if (type in merged)
        throw new Error(`plan/mocks: ${type} has computed outputs in two tables; keep one.`);
      merged[type] = outputs;
    }
  }
  return merged;
}

export function computedOutputs(r: MockedResource): { id: string; state: Record<string, unknown> } {
  const specific = BY_TYPE[r.type]?.(r) ?? {};
  const id = typeof specific.id === "string" ? specific.id : physicalName(r);
  return { id, state: { arn: arnFor(r, id), ...specific, id } };
}

export { MOCK_ACCOUNT_ID, arnFor, physicalName };
