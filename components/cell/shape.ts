/**
 * The documented difference between a home cell and a joining cell. Everything else is the
 * same in every region: same resource types, same counts. The stack tests hold the cells to
 * this, and docs/cell.md's list of home-only objects is this list.
 */
export const HOME_ONLY_TYPES: Readonly<Record<string, string>> = {
  "aws:rds/globalCluster:GlobalCluster": "the Aurora global cluster",
  "random:index/randomPassword:RandomPassword": "the Aurora master password",
  "aws:secretsmanager/secret:Secret":
    "the master-credentials secret (replicated to the peers by AWS)",
  "aws:secretsmanager/secretVersion:SecretVersion": "the master-credentials value",
  "dr:secrets:ReplicatedSecret": "the component around the master-credentials secret",
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
    "the ElastiCache global datastore",
  "aws:kms/key:Key": "the KMS multi-region primary key",
  "aws:dynamodb/table:Table": "the DynamoDB tables (joiners add replicas)",
  "dr:edge:Edge":
    "the global edge: CloudFront, its WAF web ACL and certificate (us-east-1), the edge name's records",
};

/** Home-only components whose every descendant is home-only too, whatever its type. */
export const HOME_ONLY_SUBTREES: ReadonlySet<string> = new Set(["dr:edge:Edge"]);

/** What a joining cell has instead. */
export const JOINER_ONLY_TYPES: Readonly<Record<string, string>> = {
  "aws:kms/replicaKey:ReplicaKey": "the KMS replica of the home primary key",
  "aws:dynamodb/tableReplica:TableReplica": "a replica of each home table",
};

/** Resource counts by type, leaving out the documented role-specific types. */
export function cellShape(
  resources: { type: string; name?: string; parent?: string }[],
): Record<string, number> {
  const shape: Record<string, number> = {};
  const homeOnly = new Set(
    resources.filter((r) => HOME_ONLY_SUBTREES.has(r.type)).map((r) => r.name),
  );
  // Parents are registered before their children, so one pass finds every descendant.
  for (const r of resources) {
    if (r.parent !== undefined && homeOnly.has(r.parent)) homeOnly.add(r.name);
  }
  for (const r of resources) {
    if (
      homeOnly.has(r.name) ||
      r.type in HOME_ONLY_TYPES ||
      r.type in JOINER_ONLY_TYPES ||
      r.type === "pulumi:pulumi:StackReference"
    )
      continue;
    shape[r.type] = (shape[r.type] ?? 0) + 1;
  }
  return shape;
}
