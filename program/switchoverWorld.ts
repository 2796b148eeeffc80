import { DESTRUCTIVE_PROPERTIES } from "../components/switchover";
import { regionCode } from "../config";
import type { MockedResource, RenderedResource } from "../plan/render";
import type { StackRender } from "../plan/stack";

/**
 * The world as AWS reports it after the failover commands moved the writer: what a
 * `pulumi refresh`/`preview` would read back. Used by the switchover-safety tests to check that
 * re-rendering a stack afterwards neither changes its inputs nor produces a diff that would
 * replace a global object or detach a cluster. The values follow what AWS (and the known
 * Terraform failure reports) show after SwitchoverGlobalCluster / FailoverGlobalCluster and a
 * global datastore failover.
 */
export function postFailoverState(
  scenario: "switchover" | "failover",
  newWriterRegion: string,
  before: StackRender,
): (r: MockedResource) => Record<string, unknown> | undefined {
  const app = before.config.app;
  const writerCell = `${app}-${regionCode(newWriterRegion)}`;
  const newWriterClusterArn = `arn:aws:rds:${newWriterRegion}:123456789012:cluster:${writerCell}`;
  return (r) => {
    const isNewWriter = r.region === newWriterRegion;
    switch (r.type) {
      case "aws:rds/globalCluster:GlobalCluster":
        // The writer member changed; AWS also reports the database name of the new writer
        // cluster, which is empty for a secondary created without one.
        return { sourceDbClusterIdentifier: newWriterClusterArn, databaseName: "" };
      case "aws:rds/cluster:Cluster":
        if (isNewWriter) {
          return {
            replicationSourceIdentifier: "",
            masterUsername: before.config.aurora.masterUsername,
            databaseName: before.config.aurora.databaseName,
          };
        }
        return scenario === "failover"
          ? // An unplanned failover leaves the old primary detached until it rejoins.
            { globalClusterIdentifier: "", replicationSourceIdentifier: "" }
          : { replicationSourceIdentifier: newWriterClusterArn };
      case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
        return { primaryReplicationGroupId: `${writerCell}-cache-promoted` };
      case "aws:dynamodb/table:Table":
        return { replicas: [{ regionName: newWriterRegion }] };
      default:
        return undefined;
    }
  };
}

/**
 * What the provider would see as changed: properties the program sets whose value AWS now
 * reports differently, less `ignoreChanges`. `destructive` are those that replace the resource
 * or detach it from its global object (DESTRUCTIVE_PROPERTIES).
 */
export function simulatedDiff(
  r: RenderedResource,
  ignoreChanges: string[],
): { changed: string[]; destructive: string[] } {
  const changed = Object.keys(r.inputs).filter(
    (k) => !ignoreChanges.includes(k) && JSON.stringify(r.inputs[k]) !== JSON.stringify(r.state[k]),
  );
  const destructiveProps = DESTRUCTIVE_PROPERTIES[r.type] ?? [];
  return { changed, destructive: changed.filter((k) => destructiveProps.includes(k)) };
}
