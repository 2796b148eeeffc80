import { CacheGlobalDatastoreState } from "../../adapters/types";
import { QueryParams, queryCodec } from "../protocols/query";
import { el, leaf, list } from "../protocols/xml";
import { CallContext, defineService } from "../wire";

/** ElastiCache: the global datastore (global replication group), through the simulator. */
export const elasticache = defineService<QueryParams, string>({
  name: "elasticache",
  codec: queryCodec("http://elasticache.amazonaws.com/doc/2015-02-02/"),
  throttle: { code: "Throttling", status: 400 },
  // The SDK's exception names and the codes ElastiCache sends for them (its awsQueryError).
  errors: {
    GlobalReplicationGroupNotFoundFault: { status: 404 },
    ReplicationGroupNotFoundFault: { status: 404 },
    InvalidGlobalReplicationGroupStateFault: {
      code: "InvalidGlobalReplicationGroupState",
      status: 400,
    },
    InvalidParameterValueException: { code: "InvalidParameterValue", status: 400 },
    InvalidParameterCombinationException: { code: "InvalidParameterCombination", status: 400 },
  },
  operations: {
    async DescribeGlobalReplicationGroups(p, ctx) {
      const id = p.get("GlobalReplicationGroupId") ?? ctx.sim.cache?.globalReplicationGroupId;
      const groups = id
        ? [await ctx.adapters.elasticache.describeGlobalDatastore(ctx.region, id)]
        : [];
      const members = p.bool("ShowMemberInfo") === true;
      return list(
        "GlobalReplicationGroups",
        "GlobalReplicationGroup",
        groups.map((g) => group(g, members, ctx)),
      );
    },
    async FailoverGlobalReplicationGroup(p, ctx) {
      const id = p.required("GlobalReplicationGroupId");
      await ctx.adapters.elasticache.failoverGlobalDatastore(
        ctx.region,
        id,
        p.required("PrimaryRegion"),
        p.required("PrimaryReplicationGroupId"),
      );
      const g = await ctx.adapters.elasticache.describeGlobalDatastore(ctx.region, id);
      return el("GlobalReplicationGroup", group(g, true, ctx));
    },
  },
});

function group(g: CacheGlobalDatastoreState, members: boolean, ctx: CallContext): string {
  const c = ctx.manifests[0].stores.cache;
  return [
    leaf("GlobalReplicationGroupId", g.globalReplicationGroupId),
    leaf("GlobalReplicationGroupDescription", `${ctx.manifests[0].app} global datastore`),
    leaf("Status", g.status),
    leaf("CacheNodeType", c.nodeType),
    leaf("Engine", c.engine),
    leaf("EngineVersion", c.engineVersion),
    members &&
      list(
        "Members",
        "GlobalReplicationGroupMember",
        g.members.map(
          (m) =>
            leaf("ReplicationGroupId", m.replicationGroupId) +
            leaf("ReplicationGroupRegion", m.region) +
            leaf("Role", m.role.toUpperCase()) +
            leaf("AutomaticFailover", "enabled") +
            leaf("Status", m.status),
        ),
      ),
    leaf("ClusterEnabled", false),
    leaf("AuthTokenEnabled", false),
    leaf("TransitEncryptionEnabled", true),
    leaf("AtRestEncryptionEnabled", true),
    leaf(
      "ARN",
      `arn:aws:elasticache::${ctx.account}:globalreplicationgroup:${g.globalReplicationGroupId}`,
    ),
  ]
    .filter(Boolean)
    .join("");
}
