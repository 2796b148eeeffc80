import { AdapterError } from "../../adapters/types";
import { Step, StepConditionError } from "../../engine/graph";
import { StepCtx, step } from "../context";
import { mskLagQuery } from "../topology";
import { mskReplicator } from "./shared";

/* Promotion: the stores that have a primary move it to the target. */

export function auroraPromote(c: StepCtx, dependsOn: string[]): Step | undefined {
  const aurora = c.toCell.stores.aurora;
  if (!aurora) return undefined;
  const rds = c.aws.rds;
  const gid = aurora.globalClusterIdentifier;
  const describe = () => rds.describeGlobalCluster(c.run.to, gid);
  const verb = c.unplanned ? "failover" : "switchover";
  return step({
    id: `aurora.${verb}`,
    title: c.unplanned
      ? `Aurora FailoverGlobalCluster to ${c.run.to} (AllowDataLoss)`
      : `Aurora SwitchoverGlobalCluster to ${c.run.to}`,
    region: c.run.to,
    dependsOn,
    mutates: true,
    budgetSeconds: c.toCell.budget.promotionSeconds,
    timeoutSeconds: Math.max(900, c.toCell.budget.promotionSeconds * 5),
    pollSeconds: 10,
    isDone: async () => {
      const g = await describe();
      const w = g.members.find((m) => m.isWriter);
      return w?.clusterArn === aurora.clusterArn && g.status === "available";
    },
    run: async (ctx) => {
      const g = await describe();
      // A failover state on an available cluster is a finished operation's leftover.
      if (g.failover && g.status !== "available") {
        if (g.failover.toClusterArn === aurora.clusterArn) {
          ctx.note(`a ${verb} to ${c.run.to} is already ${g.failover.status}; waiting for it`);
          return;
        }
        throw new StepConditionError(
          `another failover is ${g.failover.status} towards ${g.failover.toClusterArn}; wait for it, then check 'failover status'.`,
        );
      }
      if (g.members.find((m) => m.isWriter)?.clusterArn === aurora.clusterArn) return;
      try {
        if (c.unplanned) {
          await rds.failoverGlobalCluster(c.run.to, gid, aurora.clusterArn, {
            allowDataLoss: true,
          });
        } else {
          // AWS's guide calls SwitchoverGlobalCluster in the current primary's region.
          await rds.switchoverGlobalCluster(c.run.from, gid, aurora.clusterArn);
        }
      } catch (e) {
        // A retried request whose first attempt did reach AWS: the operation is under way.
        if (e instanceof AdapterError && e.kind === "invalid-state") {
          const again = await describe();
          if (again.failover?.toClusterArn === aurora.clusterArn) return;
        }
        throw e;
      }
    },
    verify: async () => {
      const g = await describe();
      const w = g.members.find((m) => m.isWriter);
      const ok = w?.clusterArn === aurora.clusterArn && g.status === "available";
      return {
        ok,
        detail: `status ${g.status}, writer ${w?.region ?? "none"}${g.failover ? `, ${g.failover.status}` : ""}`,
      };
    },
    ifFailed: c.unplanned
      ? `${c.run.from} is fenced; Aurora may still be failing over. Resume to wait for it (the step is idempotent).`
      : `${c.run.from} is fenced; Aurora may still be switching over. Resume to wait for it; it never promotes twice. If Aurora still writes in ${c.run.from}, 'failover switchover --to ${c.run.from} --abandon <run id>' gives writes back to it.`,
  });
}

export function cacheFailover(c: StepCtx, dependsOn: string[]): Step | undefined {
  const gid = c.toCell.stores.cache.globalReplicationGroupId;
  if (!gid) return undefined;
  const rg = c.toCell.stores.cache.replicationGroupId;
  const describe = () => c.aws.elasticache.describeGlobalDatastore(c.run.to, gid);
  const isPrimary = async () => {
    const g = await describe();
    const m = g.members.find((x) => x.replicationGroupId === rg);
    return { ok: m?.role === "primary" && g.status === "available", g, m };
  };
  return step({
    id: "cache.failover",
    title: `ElastiCache global datastore: make ${c.run.to} primary`,
    region: c.run.to,
    dependsOn,
    mutates: true,
    budgetSeconds: 120,
    timeoutSeconds: 1800,
    pollSeconds: 15,
    isDone: async () => (await isPrimary()).ok,
    run: async (ctx) => {
      const { g, m } = await isPrimary();
      if (m?.role === "primary") return;
      if (g.status !== "available" && !c.unplanned) {
        ctx.note(`global datastore is ${g.status}; waiting`);
        return;
      }
      await c.aws.elasticache.failoverGlobalDatastore(c.run.to, gid, c.run.to, rg);
    },
    verify: async () => {
      const { ok, g, m } = await isPrimary();
      return { ok, detail: `${c.run.to} is ${m?.role ?? "not a member"}, datastore ${g.status}` };
    },
    // A cache must never cost the service its writer: the database, traffic and unfence steps
    // finish without it, and the report says what is left.
    degradable:
      `The cache in ${c.run.to} may still be a read-only secondary: cache writes there fail until it is promoted (reads and the database are unaffected). ` +
      `Promote it once ElastiCache allows: aws elasticache failover-global-replication-group --region ${c.run.to} --global-replication-group-id ${gid} --primary-region ${c.run.to} --primary-replication-group-id ${rg}; 'failover status' shows its role.`,
  });
}

/** Failover only: the target's replicator from the failed region, for consumers and the RPO record. */
export function mskCheckpoint(c: StepCtx, dependsOn: string[]): Step | undefined {
  const replicatorArn = mskReplicator(c.toCell, c.run.from)?.replicatorArn;
  if (!replicatorArn) return undefined;
  return step({
    id: "msk.offsets",
    title: `MSK: consumers in ${c.run.to} resume from replicated offsets`,
    region: c.run.to,
    dependsOn,
    budgetSeconds: 2,
    run: async (ctx) => {
      const lag = await c.aws.cloudwatch
        .latestMetric(c.run.to, mskLagQuery(replicatorArn, ctx.clock.now()))
        .catch(() => undefined);
      ctx.note(
        `consumer groups in ${c.run.to} continue from the offsets the replicator synced; ` +
          `${lag ? lag.value : "an unknown number of"} messages in ${c.run.from} were not replicated`,
      );
      return { messageLag: lag?.value };
    },
  });
}
