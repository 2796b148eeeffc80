import type { MockedResource } from "../render";

/** The account every offline render pretends to deploy into. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** The name AWS would show: the explicit physical name input if any, else the Pulumi name. */
export function physicalName(r: MockedResource): string {
  for (const k of [
    "name",
    "bucket",
    "clusterIdentifier",
    "identifier",
    "globalClusterIdentifier",
    "replicationGroupId",
    "clusterName",
    "replicatorName",
    "tableName",
  ]) {
    const v = r.inputs[k];
    if (typeof v === "string" && v.length > 0) return v;
  }
  return r.name;
}

/** `aws:rds/cluster:Cluster` -> `arn:aws:rds:<region>:<acct>:cluster/<id>`. */
export function arnFor(r: MockedResource, id: string): string {
  const [, mod = "x", kind = "x"] = r.type.split(/[:/]/);
  return `arn:aws:${mod}:${r.region}:${MOCK_ACCOUNT_ID}:${kind.toLowerCase()}/${id}`;
}

/** A stable short hex string for ids AWS generates (key ids, hosted zone record ids). */
export function stableHex(seed: string, length = 12): string {
  let h = 2166136261;
  let out = "";
  while (out.length < length) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
    seed += "#";
  }
  return out.slice(0, length);
}
