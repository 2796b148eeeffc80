import { Step, StepConditionError } from "../../engine/graph";
import { isTransient } from "../../engine/retry";
import { StepCtx, step } from "../context";
import {
  accountOf,
  dynamoLatencyQuery,
  latestAuroraLag,
  mskLagQuery,
  replicatedTables,
} from "../topology";
import { controlTable, mskReplicator, seconds } from "./shared";

/* Preflight: read-only checks, in parallel, before any run changes state. */

export function preflightIdentity(c: StepCtx): Step {
  const regions = c.unplanned ? [c.run.to] : [...new Set([c.run.from, c.run.to])];
  return step({
    id: "preflight.identity",
    title: `Check credentials (STS in ${regions.join(", ")})`,
    region: c.run.to,
    budgetSeconds: 2,
    run: async (ctx) => {
      const want = accountOf(c.toCell);
      const ids = await Promise.all(regions.map((r) => c.aws.sts.callerIdentity(r)));
      for (const id of ids) {
        if (id.account !== want) {
          throw new StepConditionError(
            `credentials are for account ${id.account} (${id.arn}) but the manifests are for ${want}; pick the right one with --profile or AWS_PROFILE.`,
          );
        }
      }
      ctx.note(`acting as ${ids[0].arn}`);
      // When the run first acted on its view of the world: a failover's writer lease wait
      // counts from here (see writerRecord).
      return { account: want, arn: ids[0].arn, checkedAt: ctx.clock.now() };
    },
  });
}

export function preflightAurora(c: StepCtx): Step | undefined {
  const aurora = c.toCell.stores.aurora;
  const fromAurora = c.fromCell.stores.aurora;
  if (!aurora || !fromAurora) return undefined;
  return step({
    id: "preflight.aurora",
    title: `Check the Aurora global cluster ${aurora.globalClusterIdentifier} (from ${c.run.to})`,
    region: c.run.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const g = await c.aws.rds.describeGlobalCluster(c.run.to, aurora.globalClusterIdentifier);
      const target = g.members.find((m) => m.clusterArn === aurora.clusterArn);
      if (!target) {
        throw new StepConditionError(
          `${aurora.clusterIdentifier} (${c.run.to}) is not a member of ${aurora.globalClusterIdentifier}` +
            (c.run.kind === "failback"
              ? "; it has not rejoined as a secondary yet. Wait for Aurora to re-add it, or run 'pulumi up' on stack " +
                c.toCell.stack +
                " to re-create the secondary, then retry."
              : "; run 'pulumi up' on its stack to join it."),
        );
      }
      const writer = g.members.find((m) => m.isWriter);
      const lag = await latestAuroraLag(
        c.aws.cloudwatch,
        c.run.to,
        aurora.clusterIdentifier,
        ctx.clock.now(),
      );
      const lagSeconds = lag ? lag.value / 1000 : undefined;
      ctx.note(
        `writer ${writer?.region ?? "none"}, status ${g.status}, lag to ${c.run.to} ` +
          (lag === undefined
            ? "unknown (no datapoint in 5 min)"
            : `${lagSeconds} s (${lag.metricName})`),
      );
      if (!c.unplanned) {
        if (g.failover) {
          throw new StepConditionError(
            `a ${g.failover.isDataLossAllowed ? "failover" : "switchover"} is already ${g.failover.status}; wait for it to finish (see 'failover status').`,
          );
        }
        if (g.status !== "available") {
          throw new StepConditionError(
            `the global cluster is '${g.status}', not 'available'; wait and retry.`,
          );
        }
        if (writer?.clusterArn !== fromAurora.clusterArn) {
          throw new StepConditionError(
            `the writer is ${writer?.region ?? "none"}, not ${c.run.from}; re-run to re-plan against the current writer.`,
          );
        }
        if (target.synchronizationStatus && target.synchronizationStatus !== "connected") {
          throw new StepConditionError(
            `${c.run.to} is '${target.synchronizationStatus}', not 'connected'; wait for it to resync.`,
          );
        }
        if (lagSeconds !== undefined && lagSeconds > c.run.thresholds.maxLagSeconds) {
          throw new StepConditionError(
            `replication lag to ${c.run.to} is ${lagSeconds} s, over ${c.run.thresholds.maxLagSeconds} s; wait for it to fall or pass --max-lag-seconds.`,
          );
        }
      }
      return { writer: writer?.region, status: g.status, lagSeconds, lagMetric: lag?.metricName };
    },
  });
}

export function preflightDynamo(c: StepCtx): Step {
  const tables = replicatedTables(c.toCell);
  return step({
    id: "preflight.dynamodb",
    title: `Check DynamoDB replicas in ${c.run.to} (${tables.length} tables)`,
    region: c.run.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const latencyMs: Record<string, number | undefined> = {};
      for (const name of tables) {
        const t = await c.aws.dynamodb.describeTable(c.run.to, name);
        if (t.tableStatus !== "ACTIVE") {
          throw new StepConditionError(`${name} in ${c.run.to} is ${t.tableStatus}, not ACTIVE.`);
        }
        const peer = t.replicas.find((r) => r.region === c.run.from);
        if (!c.unplanned) {
          if (!peer || peer.status !== "ACTIVE") {
            throw new StepConditionError(
              `${name}: the ${c.run.from} replica is ${peer?.status ?? "missing"}; replication is not healthy.`,
            );
          }
          // The metric is published by the sending region.
          const lag = await c.aws.cloudwatch.latestMetric(
            c.run.from,
            dynamoLatencyQuery(name, c.run.to, ctx.clock.now()),
          );
          latencyMs[name] = lag?.value;
          if (lag && lag.value / 1000 > c.run.thresholds.maxLagSeconds) {
            throw new StepConditionError(
              `${name}: replication latency to ${c.run.to} is ${seconds(lag.value)}, over ${c.run.thresholds.maxLagSeconds} s; wait or pass --max-lag-seconds.`,
            );
          }
        }
      }
      if (c.unplanned) {
        ctx.note(`replication latency is published in ${c.run.from} and is not read on failover`);
      }
      return { latencyMs };
    },
  });
}

/**
 * The replicator into the target from the source must run (the drain watches it). On a
 * planned run the reverse one (into the source from the target) is checked too: it is what
 * copies the target's records back and, with ENHANCED, what lets consumers fail back.
 */
export function preflightMsk(c: StepCtx): Step | undefined {
  const inbound = mskReplicator(c.toCell, c.run.from);
  if (!inbound) return undefined;
  const reverse = c.unplanned ? undefined : mskReplicator(c.fromCell, c.run.to);
  return step({
    id: "preflight.msk",
    title: `Check the MSK replicator ${c.run.from} -> ${c.run.to}`,
    region: c.run.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const [r, lag, back] = await Promise.all([
        c.aws.kafka.describeReplicator(c.run.to, inbound.replicatorArn),
        c.aws.cloudwatch.latestMetric(
          c.run.to,
          mskLagQuery(inbound.replicatorArn, ctx.clock.now()),
        ),
        reverse && c.aws.kafka.describeReplicator(c.run.from, reverse.replicatorArn),
      ]);
      ctx.note(
        `replicator ${r.replicatorName} ${r.state} (${inbound.offsetSyncMode} offset sync), backlog ${lag ? lag.value : "unknown"} messages`,
      );
      if (!c.unplanned && r.state !== "RUNNING") {
        throw new StepConditionError(
          `replicator ${r.replicatorName} is ${r.state}${r.stateReason ? ` (${r.stateReason})` : ""}, not RUNNING.`,
        );
      }
      if (!c.unplanned && !reverse) {
        ctx.note(
          `${c.run.from} has no replicator from ${c.run.to}: records written in ${c.run.to} after the switch stay there until 'pulumi up' on stack ${c.fromCell.stack} adds it`,
        );
      } else if (back && back.state !== "RUNNING") {
        throw new StepConditionError(
          `replicator ${back.replicatorName} (${c.run.to} -> ${c.run.from}) is ${back.state}, not RUNNING: records written in ${c.run.to} would not reach ${c.run.from}. Fix it or run 'pulumi up' on stack ${c.fromCell.stack}.`,
        );
      }
      if (inbound.offsetSyncMode !== "ENHANCED") {
        ctx.note(
          `${inbound.replicatorName} uses LEGACY offset sync: consumers can move to ${c.run.to} but their offsets are not translated back to ${c.run.from} (run 'pulumi up' on both stacks to reach ENHANCED)`,
        );
      }
      return { state: r.state, messageLag: lag?.value, offsetSyncMode: inbound.offsetSyncMode };
    },
  });
}

export function preflightCache(c: StepCtx): Step | undefined {
  const gid = c.toCell.stores.cache.globalReplicationGroupId;
  if (!gid) return undefined;
  return step({
    id: "preflight.cache",
    title: `Check the ElastiCache global datastore ${gid}`,
    region: c.run.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const g = await c.aws.elasticache.describeGlobalDatastore(c.run.to, gid);
      const member = g.members.find(
        (m) => m.replicationGroupId === c.toCell.stores.cache.replicationGroupId,
      );
      if (!member) {
        throw new StepConditionError(
          `${c.toCell.stores.cache.replicationGroupId} is not a member of ${gid}; run 'pulumi up' on stack ${c.toCell.stack}.`,
        );
      }
      ctx.note(`global datastore ${g.status}, ${c.run.to} is ${member.role}`);
      if (!c.unplanned && g.status !== "available") {
        throw new StepConditionError(`${gid} is '${g.status}', not 'available'; wait and retry.`);
      }
      return { status: g.status, role: member.role };
    },
  });
}

export function preflightCapacity(c: StepCtx): Step {
  const hc = c.toCell.traffic.healthCheck.healthCheckId;
  return step({
    id: "preflight.capacity",
    title: `Check ${c.run.to} serves (Route 53 health check ${hc})`,
    region: c.run.to,
    budgetSeconds: 2,
    run: async (ctx) => {
      let s;
      try {
        s = await c.aws.route53.healthCheckStatus(hc);
      } catch (e) {
        // Route 53's API lives in us-east-1: a planned move away from a degraded us-east-1
        // must not be blocked by it. The traffic step still verifies the switch itself.
        if (!isTransient(e)) throw e;
        ctx.note(`Route 53 health-check status unreadable (${(e as Error).message}); not blocking`);
        return { checkersHealthy: null, checkersReporting: null };
      }
      ctx.note(`${s.checkersHealthy}/${s.checkersReporting} checkers healthy`);
      if (!s.healthy) {
        throw new StepConditionError(
          `the ${c.run.to} cell's health check ${hc} is unhealthy: it cannot take the traffic. Fix the cell first.`,
        );
      }
      return { checkersHealthy: s.checkersHealthy, checkersReporting: s.checkersReporting };
    },
  });
}

/** Failback only: the returning region must still be fenced, as seen in its own region. */
export function reprotectFence(c: StepCtx): Step {
  return step({
    id: "reprotect.fence",
    title: `Check ${c.run.to} is still fenced (control table read in ${c.run.to})`,
    region: c.run.to,
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 10,
    verify: async () => {
      const s = await c.aws.dynamodb.readControl(c.run.to, controlTable(c), [c.run.to]);
      const f = s.fences.find((x) => x.region === c.run.to);
      if (f?.fenced) return { ok: true };
      // Writer elsewhere + no fence here means the fence has not replicated back yet.
      return {
        ok: false,
        detail: `fence#${c.run.to} in ${c.run.to} is ${f ? "open" : "missing"}; waiting for the control table to catch up`,
      };
    },
    ifFailed: `${c.run.to} has no fence in its own control-table replica. Do not send it writes. Check the control table's replication, or write the fence item with the command in the README (Operating a failover).`,
  });
}
