import { stackPolicy } from "../lib/policy";
import { physicalName, str } from "../lib/props";
import { T } from "../lib/types";

export const elasticacheGlobalDatastoreMember = stackPolicy({
  name: "elasticache-global-datastore-member",
  description:
    "Every ElastiCache replication group is a member of a global datastore: the primary of an aws.elasticache.GlobalReplicationGroup in the home cell, a secondary (globalReplicationGroupId) elsewhere. A standalone cache starts cold after a failover and loses its sessions.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const primaries = new Set(
      stack.ofType(T.globalReplicationGroup).map((g) => str(g.props.primaryReplicationGroupId)),
    );
    for (const rg of stack.ofType(T.replicationGroup)) {
      const id = str(rg.props.replicationGroupId) ?? physicalName(rg.props, rg.name);
      if (!str(rg.props.globalReplicationGroupId) && !primaries.has(id)) {
        report(
          `Replication group ${id} is not in a global datastore; in the home cell make it the primaryReplicationGroupId of an aws.elasticache.GlobalReplicationGroup, elsewhere set globalReplicationGroupId.`,
          rg,
        );
      }
    }
  },
});
