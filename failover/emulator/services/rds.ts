import { AuroraGlobalClusterState } from "../../adapters/types";
import { QueryParams, queryCodec } from "../protocols/query";
import { el, escapeXml, leaf, list } from "../protocols/xml";
import { CallContext, defineService } from "../wire";

/**
 * RDS: the Aurora global database. Reads and the two role changes go through the simulator's
 * RDS adapter, so the global cluster's status, failover state and member roles are the model's.
 */
export const rds = defineService<QueryParams, string>({
  name: "rds",
  codec: queryCodec("http://rds.amazonaws.com/doc/2014-10-31/"),
  throttle: { code: "Throttling", status: 400 },
  errors: {
    GlobalClusterNotFoundFault: { status: 404 },
    DBClusterNotFoundFault: { status: 404 },
    InvalidGlobalClusterStateFault: { status: 400 },
    InvalidDBClusterStateFault: { status: 400 },
  },
  operations: {
    async DescribeGlobalClusters(p, ctx) {
      const id = p.get("GlobalClusterIdentifier") ?? ctx.sim.aurora?.globalClusterIdentifier;
      const clusters = id ? [await ctx.adapters.rds.describeGlobalCluster(ctx.region, id)] : [];
      return list(
        "GlobalClusters",
        "GlobalClusterMember",
        clusters.map((g) => globalCluster(g, ctx)),
      );
    },
    async SwitchoverGlobalCluster(p, ctx) {
      const id = p.required("GlobalClusterIdentifier");
      const target = clusterArn(p.required("TargetDbClusterIdentifier"), ctx);
      await ctx.adapters.rds.switchoverGlobalCluster(ctx.region, id, target);
      return el("GlobalCluster", globalCluster(await describe(id, ctx), ctx));
    },
    async FailoverGlobalCluster(p, ctx) {
      const id = p.required("GlobalClusterIdentifier");
      const target = clusterArn(p.required("TargetDbClusterIdentifier"), ctx);
      // Without AllowDataLoss, FailoverGlobalCluster is a switchover (RDS API reference).
      if (p.bool("AllowDataLoss") === true) {
        await ctx.adapters.rds.failoverGlobalCluster(ctx.region, id, target, {
          allowDataLoss: true,
        });
      } else {
        await ctx.adapters.rds.switchoverGlobalCluster(ctx.region, id, target);
      }
      return el("GlobalCluster", globalCluster(await describe(id, ctx), ctx));
    },
  },
});

function describe(id: string, ctx: CallContext): Promise<AuroraGlobalClusterState> {
  return ctx.adapters.rds.describeGlobalCluster(ctx.region, id);
}

/** RDS takes a cluster identifier or ARN; the model knows members by ARN. */
function clusterArn(idOrArn: string, ctx: CallContext): string {
  if (idOrArn.startsWith("arn:")) return idOrArn;
  const m = ctx.manifests.find((x) => x.stores.aurora?.clusterIdentifier === idOrArn);
  return m?.stores.aurora?.clusterArn ?? idOrArn;
}

function globalCluster(g: AuroraGlobalClusterState, ctx: CallContext): string {
  const a = ctx.manifests.find((m) => m.stores.aurora)?.stores.aurora;
  const secondaries = g.members.filter((m) => !m.isWriter).map((m) => escapeXml(m.clusterArn));
  return [
    leaf("GlobalClusterIdentifier", g.globalClusterIdentifier),
    leaf("GlobalClusterResourceId", `cluster-${g.globalClusterIdentifier}`),
    leaf("GlobalClusterArn", a?.globalClusterArn),
    leaf("Status", g.status),
    leaf("Engine", g.engine),
    leaf("EngineVersion", g.engineVersion),
    leaf("StorageEncrypted", true),
    leaf("DeletionProtection", true),
    list(
      "GlobalClusterMembers",
      "GlobalClusterMember",
      g.members.map(
        (m) =>
          leaf("DBClusterArn", m.clusterArn) +
          (m.isWriter ? list("Readers", "member", secondaries) : el("Readers")) +
          leaf("IsWriter", m.isWriter) +
          leaf("GlobalWriteForwardingStatus", "disabled") +
          leaf("SynchronizationStatus", m.synchronizationStatus),
      ),
    ),
    g.failover &&
      el(
        "FailoverState",
        leaf("Status", g.failover.status),
        leaf("FromDbClusterArn", g.failover.fromClusterArn),
        leaf("ToDbClusterArn", g.failover.toClusterArn),
        leaf("IsDataLossAllowed", g.failover.isDataLossAllowed),
      ),
  ]
    .filter(Boolean)
    .join("");
}
