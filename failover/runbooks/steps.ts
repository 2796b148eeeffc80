import { SWITCH_PROPAGATION_MARGIN_SECONDS, switchActsSeconds } from "../../budget/rto";
import { DrManifest, TrafficSwitch } from "../../manifest";
import { AdapterError, DynamoKeyValue, Region } from "../adapters/types";
import { Step, StepConditionError, StepContext, VerifyResult } from "../engine/graph";
import { isTransient } from "../engine/retry";
import { claimFor, claimRegions, releaseClaim } from "./claim";
import { RunbookDeps, RunbookParams, step } from "./context";
import {
  accountOf,
  latestAuroraLag,
  cell,
  dynamoLatencyQuery,
  mskLagQuery,
  replicatedTables,
} from "./topology";

/*
 * Step builders shared by the runbooks. Every call names its region explicitly; on failover
 * `actRegion` is the target, so nothing here ever reaches the failed region.
 */

interface Ctx {
  p: RunbookParams;
  d: RunbookDeps;
  from: DrManifest;
  to: DrManifest;
  /** True on failover: `from` is presumed dead and must not be called. */
  unplanned: boolean;
}

export function makeCtx(p: RunbookParams, d: RunbookDeps): Ctx {
  return {
    p,
    d,
    from: cell(d.topology, p.from),
    to: cell(d.topology, p.to),
    unplanned: p.kind === "failover",
  };
}

/** Regions a run may call: every cell's region, minus the failed one on failover. */
function controlTable(c: Ctx): string {
  const t = c.to.stores.controlTable;
  if (!t) throw new StepConditionError(`${c.p.to}: stores.controlTable is null`);
  return t.tableName;
}

/**
 * Whether a control item holds this run's write. An item at a newer epoch, or at this epoch
 * from another run, belongs to someone else: the step stops rather than treat it as done.
 */
function ownedByThisRun(
  item: { epoch: number; runId?: string } | undefined,
  epoch: number,
  runId: string,
  what: string,
): boolean {
  if (!item || item.epoch < epoch) return false;
  if (item.epoch > epoch || item.runId !== runId) {
    throw new StepConditionError(
      `${what} holds epoch ${item.epoch} of run ${item.runId ?? "?"}, not this run's (${runId}, epoch ${epoch}): another run has acted since. Check 'failover status'.`,
    );
  }
  return true;
}

function isoAt(ctx: StepContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// Preflight (read only)

export function preflightIdentity(c: Ctx): Step {
  const regions = c.unplanned ? [c.p.to] : [...new Set([c.p.from, c.p.to])];
  return step({
    id: "preflight.identity",
    title: `Check credentials (STS in ${regions.join(", ")})`,
    region: c.p.to,
    budgetSeconds: 2,
    run: async (ctx) => {
      const want = accountOf(c.to);
      const ids = await Promise.all(regions.map((r) => c.d.adapters.sts.callerIdentity(r)));
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

export function preflightAurora(c: Ctx): Step | undefined {
  const aurora = c.to.stores.aurora;
  const fromAurora = c.from.stores.aurora;
  if (!aurora || !fromAurora) return undefined;
  return step({
    id: "preflight.aurora",
    title: `Check the Aurora global cluster ${aurora.globalClusterIdentifier} (from ${c.p.to})`,
    region: c.p.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const g = await c.d.adapters.rds.describeGlobalCluster(
        c.p.to,
        aurora.globalClusterIdentifier,
      );
      const target = g.members.find((m) => m.clusterArn === aurora.clusterArn);
      if (!target) {
        throw new StepConditionError(
          `${aurora.clusterIdentifier} (${c.p.to}) is not a member of ${aurora.globalClusterIdentifier}` +
            (c.p.kind === "failback"
              ? "; it has not rejoined as a secondary yet. Wait for Aurora to re-add it, or run 'pulumi up' on stack " +
                c.to.stack +
                " to re-create the secondary, then retry."
              : "; run 'pulumi up' on its stack to join it."),
        );
      }
      const writer = g.members.find((m) => m.isWriter);
      const lag = await latestAuroraLag(
        c.d.adapters.cloudwatch,
        c.p.to,
        aurora.clusterIdentifier,
        ctx.clock.now(),
      );
      const lagSeconds = lag ? lag.value / 1000 : undefined;
      ctx.note(
        `writer ${writer?.region ?? "none"}, status ${g.status}, lag to ${c.p.to} ` +
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
            `the writer is ${writer?.region ?? "none"}, not ${c.p.from}; re-run to re-plan against the current writer.`,
          );
        }
        if (target.synchronizationStatus && target.synchronizationStatus !== "connected") {
          throw new StepConditionError(
            `${c.p.to} is '${target.synchronizationStatus}', not 'connected'; wait for it to resync.`,
          );
        }
        if (lagSeconds !== undefined && lagSeconds > c.p.thresholds.maxLagSeconds) {
          throw new StepConditionError(
            `replication lag to ${c.p.to} is ${lagSeconds} s, over ${c.p.thresholds.maxLagSeconds} s; wait for it to fall or pass --max-lag-seconds.`,
          );
        }
      }
      return { writer: writer?.region, status: g.status, lagSeconds, lagMetric: lag?.metricName };
    },
  });
}

export function preflightDynamo(c: Ctx): Step {
  const tables = replicatedTables(c.to);
  return step({
    id: "preflight.dynamodb",
    title: `Check DynamoDB replicas in ${c.p.to} (${tables.length} tables)`,
    region: c.p.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const latencyMs: Record<string, number | undefined> = {};
      for (const name of tables) {
        const t = await c.d.adapters.dynamodb.describeTable(c.p.to, name);
        if (t.tableStatus !== "ACTIVE") {
          throw new StepConditionError(`${name} in ${c.p.to} is ${t.tableStatus}, not ACTIVE.`);
        }
        const peer = t.replicas.find((r) => r.region === c.p.from);
        if (!c.unplanned) {
          if (!peer || peer.status !== "ACTIVE") {
            throw new StepConditionError(
              `${name}: the ${c.p.from} replica is ${peer?.status ?? "missing"}; replication is not healthy.`,
            );
          }
          // The metric is published by the sending region.
          const lag = await c.d.adapters.cloudwatch.latestMetric(
            c.p.from,
            dynamoLatencyQuery(name, c.p.to, ctx.clock.now()),
          );
          latencyMs[name] = lag?.value;
          if (lag && lag.value / 1000 > c.p.thresholds.maxLagSeconds) {
            throw new StepConditionError(
              `${name}: replication latency to ${c.p.to} is ${seconds(lag.value)}, over ${c.p.thresholds.maxLagSeconds} s; wait or pass --max-lag-seconds.`,
            );
          }
        }
      }
      if (c.unplanned) {
        ctx.note(`replication latency is published in ${c.p.from} and is not read on failover`);
      }
      return { latencyMs };
    },
  });
}

/** The replicator in `into`'s region that pulls from `fromRegion` (manifest `stores.msk`). */
function mskReplicator(into: DrManifest, fromRegion: Region) {
  return into.stores.msk.replicators.find((r) => r.sourceRegion === fromRegion);
}

/**
 * The replicator into the target from the source must run (the drain watches it). On a
 * planned run the reverse one (into the source from the target) is checked too: it is what
 * copies the target's records back and, with ENHANCED, what lets consumers fail back.
 */
export function preflightMsk(c: Ctx): Step | undefined {
  const inbound = mskReplicator(c.to, c.p.from);
  if (!inbound) return undefined;
  const reverse = c.unplanned ? undefined : mskReplicator(c.from, c.p.to);
  return step({
    id: "preflight.msk",
    title: `Check the MSK replicator ${c.p.from} -> ${c.p.to}`,
    region: c.p.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const [r, lag, back] = await Promise.all([
        c.d.adapters.kafka.describeReplicator(c.p.to, inbound.replicatorArn),
        c.d.adapters.cloudwatch.latestMetric(
          c.p.to,
          mskLagQuery(inbound.replicatorArn, ctx.clock.now()),
        ),
        reverse && c.d.adapters.kafka.describeReplicator(c.p.from, reverse.replicatorArn),
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
          `${c.p.from} has no replicator from ${c.p.to}: records written in ${c.p.to} after the switch stay there until 'pulumi up' on stack ${c.from.stack} adds it`,
        );
      } else if (back && back.state !== "RUNNING") {
        throw new StepConditionError(
          `replicator ${back.replicatorName} (${c.p.to} -> ${c.p.from}) is ${back.state}, not RUNNING: records written in ${c.p.to} would not reach ${c.p.from}. Fix it or run 'pulumi up' on stack ${c.from.stack}.`,
        );
      }
      if (inbound.offsetSyncMode !== "ENHANCED") {
        ctx.note(
          `${inbound.replicatorName} uses LEGACY offset sync: consumers can move to ${c.p.to} but their offsets are not translated back to ${c.p.from} (run 'pulumi up' on both stacks to reach ENHANCED)`,
        );
      }
      return { state: r.state, messageLag: lag?.value, offsetSyncMode: inbound.offsetSyncMode };
    },
  });
}

export function preflightCache(c: Ctx): Step | undefined {
  const gid = c.to.stores.cache.globalReplicationGroupId;
  if (!gid) return undefined;
  return step({
    id: "preflight.cache",
    title: `Check the ElastiCache global datastore ${gid}`,
    region: c.p.to,
    budgetSeconds: 3,
    run: async (ctx) => {
      const g = await c.d.adapters.elasticache.describeGlobalDatastore(c.p.to, gid);
      const member = g.members.find(
        (m) => m.replicationGroupId === c.to.stores.cache.replicationGroupId,
      );
      if (!member) {
        throw new StepConditionError(
          `${c.to.stores.cache.replicationGroupId} is not a member of ${gid}; run 'pulumi up' on stack ${c.to.stack}.`,
        );
      }
      ctx.note(`global datastore ${g.status}, ${c.p.to} is ${member.role}`);
      if (!c.unplanned && g.status !== "available") {
        throw new StepConditionError(`${gid} is '${g.status}', not 'available'; wait and retry.`);
      }
      return { status: g.status, role: member.role };
    },
  });
}

export function preflightCapacity(c: Ctx): Step {
  const hc = c.to.traffic.healthCheck.healthCheckId;
  return step({
    id: "preflight.capacity",
    title: `Check ${c.p.to} serves (Route 53 health check ${hc})`,
    region: c.p.to,
    budgetSeconds: 2,
    run: async (ctx) => {
      let s;
      try {
        s = await c.d.adapters.route53.healthCheckStatus(hc);
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
          `the ${c.p.to} cell's health check ${hc} is unhealthy: it cannot take the traffic. Fix the cell first.`,
        );
      }
      return { checkersHealthy: s.checkersHealthy, checkersReporting: s.checkersReporting };
    },
  });
}

/** Failback only: the returning region must still be fenced, as seen in its own region. */
export function reprotectFence(c: Ctx): Step {
  return step({
    id: "reprotect.fence",
    title: `Check ${c.p.to} is still fenced (control table read in ${c.p.to})`,
    region: c.p.to,
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 10,
    verify: async () => {
      const s = await c.d.adapters.dynamodb.readControl(c.p.to, controlTable(c), [c.p.to]);
      const f = s.fences.find((x) => x.region === c.p.to);
      if (f?.fenced) return { ok: true };
      // Writer elsewhere + no fence here means the fence has not replicated back yet.
      return {
        ok: false,
        detail: `fence#${c.p.to} in ${c.p.to} is ${f ? "open" : "missing"}; waiting for the control table to catch up`,
      };
    },
    ifFailed: `${c.p.to} has no fence in its own control-table replica. Do not send it writes. Check the control table's replication, or write the fence item with the command in the README (Operating a failover).`,
  });
}

// ---------------------------------------------------------------------------------------------
// Approval

export function approval(c: Ctx, dependsOn: string[]): Step {
  const budget = c.to.budget;
  return step({
    id: "approve",
    title: c.unplanned ? "Confirm data loss" : "Approve",
    dependsOn,
    budgetSeconds: 0,
    timeoutSeconds: 3600,
    approval: c.unplanned
      ? {
          typed: c.p.to,
          prompt: (ctx) => {
            const aurora = ctx.outputs["preflight.aurora"] as { lagSeconds?: number } | undefined;
            const msk = ctx.outputs["preflight.msk"] as { messageLag?: number } | undefined;
            return (
              `FAIL OVER ${c.d.topology.app} from ${c.p.from} (presumed down, never called) to ${c.p.to}.\n` +
              `Writes in ${c.p.from} that had not replicated are lost. Last known lag: Aurora ` +
              `${aurora?.lagSeconds ?? "unknown"} s, MSK ${msk?.messageLag ?? "unknown"} messages.\n` +
              `${c.p.from} stays fenced until 'failover failback'. Type ${c.p.to} to continue`
            );
          },
        }
      : {
          prompt: () =>
            c.p.kind === "restore"
              ? `Restore writes in ${c.p.to} (still the Aurora writer): record it as the writer and unfence it. Continue?`
              : `${c.p.kind === "failback" ? "Fail back" : "Switch over"} ${c.d.topology.app}: writer ${c.p.from} -> ${c.p.to} (RPO 0). ` +
                `${c.p.from} is fenced first: writes are refused for about ${budget.promotionSeconds} s. Continue?`,
        },
  });
}

// ---------------------------------------------------------------------------------------------
// Fencing and the writer record (DR control table)

function fenceStep(
  c: Ctx,
  o: {
    id: string;
    fenceRegion: Region;
    fenced: boolean;
    actRegion: Region;
    dependsOn: string[];
    alsoVisibleIn?: Region;
    ifFailed: string;
  },
): Step {
  const read = (region: Region) =>
    c.d.adapters.dynamodb.readControl(region, controlTable(c), [o.fenceRegion]);
  /** This run's write is what the region holds; a newer epoch there means another run acted. */
  const holds = async (region: Region, runId: string) => {
    const f = (await read(region)).fences.find((x) => x.region === o.fenceRegion);
    return (
      ownedByThisRun(f, c.p.epoch, runId, `fence#${o.fenceRegion} in ${region}`) &&
      f!.fenced === o.fenced
    );
  };
  return step({
    id: o.id,
    title: `${o.fenced ? "Fence" : "Unfence"} writes in ${o.fenceRegion} (control table, written in ${o.actRegion})`,
    region: o.actRegion,
    dependsOn: o.dependsOn,
    mutates: true,
    budgetSeconds: o.alsoVisibleIn ? 3 : 1,
    timeoutSeconds: 180,
    pollSeconds: 1,
    isDone: (ctx) => holds(o.actRegion, ctx.runId),
    run: async (ctx) => {
      const r = await c.d.adapters.dynamodb.putFence(o.actRegion, controlTable(c), {
        region: o.fenceRegion,
        fenced: o.fenced,
        epoch: c.p.epoch,
        runId: ctx.runId,
        updatedAt: isoAt(ctx),
      });
      if (r.outcome === "superseded") {
        throw new StepConditionError(
          `fence#${o.fenceRegion} holds epoch ${r.currentEpoch ?? "?"}, newer than this run's ${c.p.epoch}: another run has acted since. Check 'failover status'.`,
        );
      }
    },
    verify: async (ctx): Promise<VerifyResult> => {
      if (!(await holds(o.actRegion, ctx.runId)))
        return { ok: false, detail: "not readable back yet" };
      if (o.alsoVisibleIn && !(await holds(o.alsoVisibleIn, ctx.runId))) {
        return { ok: false, detail: `not replicated to ${o.alsoVisibleIn} yet` };
      }
      return { ok: true };
    },
    ifFailed: o.ifFailed,
  });
}

export function fenceSource(c: Ctx, dependsOn: string[]): Step {
  // Planned: written in the source itself, so its applications see it on their next local
  // read; verified in the target too, which proves the control table has replicated past it.
  return fenceStep(c, {
    id: "fence.source",
    fenceRegion: c.p.from,
    fenced: true,
    actRegion: c.unplanned ? c.p.to : c.p.from,
    alsoVisibleIn: c.unplanned ? undefined : c.p.to,
    dependsOn,
    ifFailed: `${c.p.from} may or may not be fenced yet; it is still the Aurora writer. Resume to continue, or restore it with 'failover switchover --to ${c.p.from} --abandon <run id>'.`,
  });
}

export function unfenceTarget(c: Ctx, dependsOn: string[]): Step {
  return fenceStep(c, {
    id: "unfence.target",
    fenceRegion: c.p.to,
    fenced: false,
    actRegion: c.p.to,
    dependsOn,
    ifFailed: `${c.p.to} is the writer but still fenced: writes are refused everywhere. Resume now.`,
  });
}

export function writerRecord(c: Ctx, dependsOn: string[]): Step {
  const read = async () =>
    (await c.d.adapters.dynamodb.readControl(c.p.to, controlTable(c), [])).writer;
  return step({
    id: "writer.record",
    title: `Record ${c.p.to} as the writer (control table, in ${c.p.to})`,
    region: c.p.to,
    dependsOn,
    mutates: true,
    budgetSeconds: 1,
    pollSeconds: 1,
    isDone: async (ctx) => {
      const w = await read();
      return ownedByThisRun(w, c.p.epoch, ctx.runId, "the writer item") && w!.region === c.p.to;
    },
    run: async (ctx) => {
      if (c.unplanned) await awaitSourceLease(c, ctx);
      const r = await c.d.adapters.dynamodb.putWriter(c.p.to, controlTable(c), {
        region: c.p.to,
        epoch: c.p.epoch,
        runId: ctx.runId,
        updatedAt: isoAt(ctx),
      });
      if (r.outcome === "superseded") {
        throw new StepConditionError(
          `the writer item holds epoch ${r.currentEpoch ?? "?"}, newer than this run's ${c.p.epoch}: another run has acted since. Check 'failover status'.`,
        );
      }
    },
    verify: async (ctx) => {
      const w = await read();
      const ok = ownedByThisRun(w, c.p.epoch, ctx.runId, "the writer item") && w!.region === c.p.to;
      return {
        ok,
        detail: `writer item says ${w?.region ?? "nothing"} (epoch ${w?.epoch ?? "-"})`,
      };
    },
    ifFailed: `The database has moved to ${c.p.to}; both regions are fenced, so nothing accepts writes. Resume now.`,
  });
}

export const DEFAULT_WRITER_LEASE_SECONDS = 3;
/** Margin for the clocks of the operator's machine and the services (NTP keeps them closer). */
const LEASE_MARGIN_MS = 1_000;

/**
 * Failover only. A service admits writes while a peer is silent only if its writer item was
 * written after it lost that peer plus the writer lease (admission/: the old writer has stopped
 * by then). Record the target too early and its services refuse every write until the failed
 * region returns, although the run "succeeded". So the writer item waits until the failed
 * region's last heartbeat seen in the target (or, with no heartbeat items, the start of this
 * run, when the region was already down) plus the lease has passed. Aurora's failover usually
 * takes far longer than the lease, so this rarely waits.
 */
async function awaitSourceLease(c: Ctx, ctx: StepContext): Promise<void> {
  const leaseMs = (c.p.thresholds.writerLeaseSeconds ?? DEFAULT_WRITER_LEASE_SECONDS) * 1000;
  const started = (ctx.outputs["preflight.identity"] as { checkedAt?: number } | undefined)
    ?.checkedAt;
  const heard = await c.d.adapters.dynamodb.lastHeartbeat(c.p.to, controlTable(c), c.p.from);
  const lostAt = Math.max(heard ?? 0, started ?? ctx.clock.now());
  const waitMs = lostAt + leaseMs + LEASE_MARGIN_MS - ctx.clock.now();
  if (waitMs <= 0) return;
  ctx.note(
    `waiting ${(waitMs / 1000).toFixed(1)} s for ${c.p.from}'s writer lease to run out as seen in ${c.p.to} (${heard !== undefined ? "last heartbeat" : "run start"} + ${leaseMs / 1000} s)`,
  );
  await ctx.clock.sleep(waitMs, ctx.signal);
}

function restoreHint(c: Ctx): string {
  return `${c.p.from} is fenced and still the Aurora writer: writes are refused. Resume to continue, or give writes back to ${c.p.from} with 'failover switchover --to ${c.p.from} --abandon <run id>'.`;
}

// ---------------------------------------------------------------------------------------------
// Drain (switchover only): wait for replication to reach the target

export function drainAurora(c: Ctx): Step | undefined {
  const aurora = c.to.stores.aurora;
  if (!aurora) return undefined;
  return step({
    id: "drain.aurora",
    title: `Drain Aurora replication to ${c.p.to}`,
    region: c.p.to,
    dependsOn: ["fence.source"],
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 5,
    verify: async (ctx) => {
      const lag = await latestAuroraLag(
        c.d.adapters.cloudwatch,
        c.p.to,
        aurora.clusterIdentifier,
        ctx.clock.now(),
      );
      // SwitchoverGlobalCluster itself waits for the secondary to catch up (RPO 0): a
      // missing datapoint does not block it.
      if (!lag) return { ok: true };
      return {
        ok: lag.value / 1000 <= c.p.thresholds.drainLagSeconds,
        detail: `Aurora lag ${seconds(lag.value)} > ${c.p.thresholds.drainLagSeconds} s`,
      };
    },
    ifFailed: restoreHint(c),
  });
}

/**
 * DynamoDB has no "replicated up to" read. Two signals together, for each table (the control
 * table included):
 * - a drain marker item written in the source after the fence must be readable in the target
 *   (strongly consistent): the table's replication has carried a write made after the fence;
 *   a quiet table publishes no ReplicationLatency, and this still completes for it;
 * - no ReplicationLatency datapoint whose period reaches past the fence may exceed the drain
 *   threshold; datapoints from before the fence say nothing about the writes it cut off.
 * DynamoDB does not promise cross-item order, so the marker is evidence, not proof; the
 * latency bound covers the writes made in the minutes before the fence.
 */
export function drainDynamo(c: Ctx): Step {
  const tables = [
    ...c.to.stores.dynamodb,
    ...(c.to.stores.controlTable ? [c.to.stores.controlTable] : []),
  ];
  let fencedAt: number | undefined;
  const markerKey = (t: (typeof tables)[number], runId: string) => ({
    [t.partitionKey]: keyValue(t.partitionKeyType ?? "S", `dr-drain#${runId}`, c.p.epoch),
    ...(t.sortKey ? { [t.sortKey]: keyValue(t.sortKeyType ?? "S", "dr-drain", c.p.epoch) } : {}),
  });
  return step({
    id: "drain.dynamodb",
    title: `Drain DynamoDB replication ${c.p.from} -> ${c.p.to} (${tables.length} tables)`,
    region: c.p.from,
    dependsOn: ["fence.source"],
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 5,
    run: async (ctx) => {
      fencedAt = ctx.clock.now();
      await Promise.all(
        tables.map((t) =>
          c.d.adapters.dynamodb.putDrainMarker(
            c.p.from,
            t.tableName,
            markerKey(t, ctx.runId),
            ctx.runId,
          ),
        ),
      );
    },
    verify: async (ctx) => {
      const since = fencedAt ?? ctx.clock.now();
      for (const t of tables) {
        const arrived = await c.d.adapters.dynamodb.hasItem(
          c.p.to,
          t.tableName,
          markerKey(t, ctx.runId),
        );
        if (!arrived)
          return { ok: false, detail: `${t.tableName}: drain marker not in ${c.p.to} yet` };
        const lag = await c.d.adapters.cloudwatch.latestMetric(
          c.p.from,
          dynamoLatencyQuery(t.tableName, c.p.to, ctx.clock.now()),
        );
        const covers = lag !== undefined && lag.timestampMs + 60_000 > since;
        if (covers && lag.value / 1000 > c.p.thresholds.drainLagSeconds) {
          return {
            ok: false,
            detail: `${t.tableName}: latency ${seconds(lag.value)} > ${c.p.thresholds.drainLagSeconds} s`,
          };
        }
      }
      return { ok: true };
    },
    ifFailed: restoreHint(c),
  });
}

/** A drain marker's key value, in the key attribute's declared type. */
function keyValue(type: "S" | "N" | "B", text: string, epoch: number): DynamoKeyValue {
  if (type === "N") return { N: String(-(900_000_000_000 + epoch)) };
  if (type === "B") return { B: new TextEncoder().encode(text) };
  return { S: text };
}

/** Planned runs: the target's replicator whose source is the fenced region, until its backlog is drained. */
export function drainMsk(c: Ctx): Step | undefined {
  const replicatorArn = mskReplicator(c.to, c.p.from)?.replicatorArn;
  if (!replicatorArn) return undefined;
  return step({
    id: "drain.msk",
    title: `Drain the MSK replicator ${c.p.from} -> ${c.p.to}`,
    region: c.p.to,
    dependsOn: ["fence.source"],
    budgetSeconds: 60,
    timeoutSeconds: 900,
    pollSeconds: 10,
    verify: async (ctx) => {
      const lag = await c.d.adapters.cloudwatch.latestMetric(
        c.p.to,
        mskLagQuery(replicatorArn, ctx.clock.now()),
      );
      if (!lag) return { ok: false, detail: "no MessageLag datapoint yet" };
      return {
        ok: lag.value <= c.p.thresholds.drainMessages,
        detail: `backlog ${lag.value} messages > ${c.p.thresholds.drainMessages}`,
      };
    },
    ifFailed: restoreHint(c),
  });
}

// ---------------------------------------------------------------------------------------------
// Promotion

export function auroraPromote(c: Ctx, dependsOn: string[]): Step | undefined {
  const aurora = c.to.stores.aurora;
  if (!aurora) return undefined;
  const rds = c.d.adapters.rds;
  const gid = aurora.globalClusterIdentifier;
  const describe = () => rds.describeGlobalCluster(c.p.to, gid);
  const verb = c.unplanned ? "failover" : "switchover";
  return step({
    id: `aurora.${verb}`,
    title: c.unplanned
      ? `Aurora FailoverGlobalCluster to ${c.p.to} (AllowDataLoss)`
      : `Aurora SwitchoverGlobalCluster to ${c.p.to}`,
    region: c.p.to,
    dependsOn,
    mutates: true,
    budgetSeconds: c.to.budget.promotionSeconds,
    timeoutSeconds: Math.max(900, c.to.budget.promotionSeconds * 5),
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
          ctx.note(`a ${verb} to ${c.p.to} is already ${g.failover.status}; waiting for it`);
          return;
        }
        throw new StepConditionError(
          `another failover is ${g.failover.status} towards ${g.failover.toClusterArn}; wait for it, then check 'failover status'.`,
        );
      }
      if (g.members.find((m) => m.isWriter)?.clusterArn === aurora.clusterArn) return;
      try {
        if (c.unplanned) {
          await rds.failoverGlobalCluster(c.p.to, gid, aurora.clusterArn, { allowDataLoss: true });
        } else {
          // AWS's guide calls SwitchoverGlobalCluster in the current primary's region.
          await rds.switchoverGlobalCluster(c.p.from, gid, aurora.clusterArn);
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
      ? `${c.p.from} is fenced; Aurora may still be failing over. Resume to wait for it (the step is idempotent).`
      : `${c.p.from} is fenced; Aurora may still be switching over. Resume to wait for it; it never promotes twice. If Aurora still writes in ${c.p.from}, 'failover switchover --to ${c.p.from} --abandon <run id>' gives writes back to it.`,
  });
}

export function cacheFailover(c: Ctx, dependsOn: string[]): Step | undefined {
  const gid = c.to.stores.cache.globalReplicationGroupId;
  if (!gid) return undefined;
  const rg = c.to.stores.cache.replicationGroupId;
  const describe = () => c.d.adapters.elasticache.describeGlobalDatastore(c.p.to, gid);
  const isPrimary = async () => {
    const g = await describe();
    const m = g.members.find((x) => x.replicationGroupId === rg);
    return { ok: m?.role === "primary" && g.status === "available", g, m };
  };
  return step({
    id: "cache.failover",
    title: `ElastiCache global datastore: make ${c.p.to} primary`,
    region: c.p.to,
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
      await c.d.adapters.elasticache.failoverGlobalDatastore(c.p.to, gid, c.p.to, rg);
    },
    verify: async () => {
      const { ok, g, m } = await isPrimary();
      return { ok, detail: `${c.p.to} is ${m?.role ?? "not a member"}, datastore ${g.status}` };
    },
    // A cache must never cost the service its writer: the database, traffic and unfence steps
    // finish without it, and the report says what is left.
    degradable:
      `The cache in ${c.p.to} may still be a read-only secondary: cache writes there fail until it is promoted (reads and the database are unaffected). ` +
      `Promote it once ElastiCache allows: aws elasticache failover-global-replication-group --region ${c.p.to} --global-replication-group-id ${gid} --primary-region ${c.p.to} --primary-replication-group-id ${rg}; 'failover status' shows its role.`,
  });
}

/** Failover only: the target's replicator from the failed region, for consumers and the RPO record. */
export function mskCheckpoint(c: Ctx, dependsOn: string[]): Step | undefined {
  const replicatorArn = mskReplicator(c.to, c.p.from)?.replicatorArn;
  if (!replicatorArn) return undefined;
  return step({
    id: "msk.offsets",
    title: `MSK: consumers in ${c.p.to} resume from replicated offsets`,
    region: c.p.to,
    dependsOn,
    budgetSeconds: 2,
    run: async (ctx) => {
      const lag = await c.d.adapters.cloudwatch
        .latestMetric(c.p.to, mskLagQuery(replicatorArn, ctx.clock.now()))
        .catch(() => undefined);
      ctx.note(
        `consumer groups in ${c.p.to} continue from the offsets the replicator synced; ` +
          `${lag ? lag.value : "an unknown number of"} messages in ${c.p.from} were not replicated`,
      );
      return { messageLag: lag?.value };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Traffic: the writer switch (data plane only)

type GateSwitch = Extract<TrafficSwitch, { type: "cloudwatch-gate" }>;

/** A cell's gates in the regions this run may call (not the failed region on a failover). */
function callableGates(c: Ctx, sw: GateSwitch) {
  return sw.gates.filter((g) => !(c.unplanned && g.region === c.p.from));
}

/** Gates that must read closed (at most quorum - 1 may be open anywhere) or open (a quorum). */
function gatesNeeded(sw: GateSwitch, want: "open" | "closed"): number {
  return want === "open" ? sw.quorum : sw.gateRegions.length - sw.quorum + 1;
}

/**
 * Sets a cell's gate metric in every gate region the run can call, at once. A region that does
 * not answer is skipped as long as the others can still make the count; otherwise the first
 * error is thrown (a transient one is retried by the runner).
 */
async function setGate(c: Ctx, sw: GateSwitch, value: 0 | 1): Promise<void> {
  const results = await Promise.allSettled(
    callableGates(c, sw).map((g) =>
      c.d.adapters.cloudwatch.putMetric(g.region, {
        namespace: sw.namespace,
        metricName: sw.metricName,
        dimensions: sw.dimensions,
        value,
      }),
    ),
  );
  const done = results.filter((r) => r.status === "fulfilled").length;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed && done < gatesNeeded(sw, value === 1 ? "open" : "closed")) throw failed.reason;
}

/**
 * Why a cell's gates are not yet closed (Route 53 cannot see a majority open, whatever it
 * makes of the regions the run cannot read) or open (a majority is open), per their alarms; a
 * region that does not answer counts as neither.
 */
async function gateProblem(
  c: Ctx,
  region: Region,
  sw: GateSwitch,
  want: "open" | "closed",
): Promise<string | undefined> {
  const gates = callableGates(c, sw);
  const states = await Promise.all(
    gates.map((g) =>
      c.d.adapters.cloudwatch
        .alarmStates(g.region, [g.alarmName])
        .then((s) => s[g.alarmName] as string)
        .catch((e: unknown) => {
          if (!isTransient(e)) throw e;
          return "UNREACHABLE";
        }),
    ),
  );
  const wanted = want === "open" ? "OK" : "ALARM";
  const needed = gatesNeeded(sw, want);
  if (states.filter((s) => s === wanted).length >= needed) return undefined;
  const detail = gates.map((g, i) => `${g.region} ${states[i]}`).join(", ");
  return `${region}'s writer gate is not ${want} in ${needed} of ${sw.gateRegions.length} regions (${detail})`;
}

/** Whether Route 53 counts a cell's writer check healthy, from its gate checks. */
async function route53GateQuorum(a: RunbookDeps["adapters"], sw: GateSwitch): Promise<boolean> {
  const statuses = await Promise.all(
    sw.gates.map((g) => a.route53.healthCheckStatus(g.healthCheckId)),
  );
  return statuses.filter((s) => s.healthy).length >= sw.quorum;
}

/**
 * Moving writer traffic is two steps, so Route 53 never counts two writer records healthy:
 * `traffic.close` closes the old writer (on a restore: every other cell) and waits until its
 * gates read closed and Route 53 has acted on them; only then does `traffic.open` open the
 * target. In between no record is healthy and Route 53 answers any cell, each of which
 * refuses writes (fenced) until the target is unfenced.
 */
export function trafficMove(c: Ctx, dependsOn: string[]): [Step, Step] {
  const fromSwitch = c.from.traffic.switch;
  const toSwitch = c.to.traffic.switch;
  const avoid = c.unplanned ? [c.p.from] : [];
  const a = c.d.adapters;
  const restoring = c.p.from === c.p.to;
  const closing = restoring
    ? [...c.d.topology.cells.values()].filter((m) => m.region !== c.p.to)
    : [c.from];
  const gateRun = fromSwitch.type === "cloudwatch-gate" || toSwitch.type === "cloudwatch-gate";
  let route53Noted = false;
  const margin = c.p.thresholds.switchMarginSeconds ?? SWITCH_PROPAGATION_MARGIN_SECONDS;
  // When the closed switch was first read (in this process: a resumed run waits again).
  let closedSince: number | undefined;

  /** True/false per Route 53's gate checks; undefined when Route 53 cannot be asked. */
  const route53SeesClosed = async (
    unreadable: (e: unknown) => void,
  ): Promise<boolean | undefined> => {
    if (c.unplanned) return undefined;
    try {
      for (const m of closing) {
        const sw = m.traffic.switch;
        const open =
          sw.type === "cloudwatch-gate"
            ? await route53GateQuorum(a, sw)
            : (await a.route53.healthCheckStatus(sw.healthCheckId)).healthy;
        if (open) return false;
      }
      return true;
    } catch (e) {
      if (!isTransient(e)) throw e;
      unreadable(e);
      return undefined;
    }
  };

  const close = step({
    id: "traffic.close",
    title: `Close writer traffic to ${restoring ? "every other cell" : c.p.from} (${describeSwitch(fromSwitch.type, toSwitch.type)})`,
    region: c.p.to,
    dependsOn,
    mutates: true,
    // Alarm gates: the alarm evaluates one 60 s period before Route 53 sees it; then the
    // margin, when Route 53 cannot be asked.
    budgetSeconds:
      switchActsSeconds(gateRun ? "cloudwatch-gate" : "arc-routing-control") +
      (c.unplanned ? margin : 0),
    timeoutSeconds: 600 + margin,
    pollSeconds: 5,
    run: async () => {
      for (const m of closing) {
        const sw = m.traffic.switch;
        if (sw.type === "arc-routing-control") {
          await a.arc.updateRoutingControlStates(
            [{ routingControlArn: sw.routingControlArn, state: "Off" }],
            { avoidRegions: avoid },
          );
        } else {
          await setGate(c, sw, 0);
        }
      }
    },
    verify: async (ctx) => {
      const problems: string[] = [];
      for (const m of closing) {
        const sw = m.traffic.switch;
        if (sw.type === "arc-routing-control") {
          const s = await a.arc.getRoutingControlState(sw.routingControlArn, {
            avoidRegions: avoid,
          });
          if (s !== "Off") problems.push(`${m.region} routing control is ${s}`);
        } else {
          const p = await gateProblem(c, m.region, sw, "closed");
          if (p) problems.push(p);
        }
      }
      if (problems.length > 0) return { ok: false, detail: problems.join("; ") };
      // The switch reads closed. Route 53 must act on it before the target opens: a planned
      // run asks Route 53 (its API lives in us-east-1); a failover never calls it, and a run
      // whose Route 53 reads fail waits the margin instead.
      const confirmed = await route53SeesClosed((e) => {
        if (!route53Noted)
          ctx.note(`Route 53 status unreadable (${(e as Error).message}); waiting the margin`);
        route53Noted = true;
      });
      if (confirmed === true) return { ok: true };
      if (confirmed === false) {
        return { ok: false, detail: "Route 53 still counts the old writer's check healthy" };
      }
      closedSince ??= ctx.clock.now();
      const left = closedSince + margin * 1000 - ctx.clock.now();
      return left <= 0
        ? { ok: true }
        : {
            ok: false,
            detail: `closed; waiting ${Math.ceil(left / 1000)} s more for Route 53 to act on it`,
          };
    },
    ifFailed: `${c.p.from} is fenced and refuses writes; writer traffic may still go to it. Resume now.`,
  });

  const open = step({
    id: "traffic.open",
    title: `Open writer traffic to ${c.p.to}`,
    region: c.p.to,
    dependsOn: [close.id],
    mutates: true,
    budgetSeconds: switchActsSeconds(toSwitch.type),
    timeoutSeconds: 600,
    pollSeconds: 5,
    run: async () => {
      if (toSwitch.type === "arc-routing-control") {
        await a.arc.updateRoutingControlStates(
          [{ routingControlArn: toSwitch.routingControlArn, state: "On" }],
          { avoidRegions: avoid },
        );
      } else {
        await setGate(c, toSwitch, 1);
      }
    },
    verify: async () => {
      if (toSwitch.type === "arc-routing-control") {
        const s = await a.arc.getRoutingControlState(toSwitch.routingControlArn, {
          avoidRegions: avoid,
        });
        return { ok: s === "On", detail: `${c.p.to} routing control is ${s}` };
      }
      const p = await gateProblem(c, c.p.to, toSwitch, "open");
      return { ok: !p, detail: p };
    },
    ifFailed: c.unplanned
      ? `${c.p.from} is fenced; no cell takes writer traffic until ${c.p.to} is open (each refuses writes meanwhile). Resume now.`
      : `${c.p.from} is fenced and closed; no cell takes writer traffic until ${c.p.to} is open. The Aurora switchover may or may not have run yet ('failover status' shows the writer). Resume now.`,
  });
  return [close, open];
}

function describeSwitch(from: string, to: string): string {
  const name = (t: string) =>
    t === "cloudwatch-gate" ? "CloudWatch writer gates" : "ARC routing controls";
  return from === to ? name(from) : `${name(from)} / ${name(to)}`;
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * Whether Route 53 would send writer traffic to a cell: its writer check is healthy. Read from
 * the gate checks (a majority healthy) or the routing control, because GetHealthCheckStatus
 * does not report calculated health checks.
 */
export async function writerRouteHealthy(
  a: RunbookDeps["adapters"],
  m: DrManifest,
  avoidRegions: Region[] = [],
): Promise<boolean> {
  const sw = m.traffic.switch;
  if (sw.type === "arc-routing-control") {
    return (await a.arc.getRoutingControlState(sw.routingControlArn, { avoidRegions })) === "On";
  }
  return route53GateQuorum(a, sw);
}

export function verifyRun(c: Ctx, dependsOn: string[]): Step {
  const a = c.d.adapters;
  let route53Noted = false;
  const aurora = c.to.stores.aurora;
  return step({
    id: "verify",
    title: `Verify ${c.p.to} is the only writer`,
    region: c.p.to,
    dependsOn,
    budgetSeconds: c.unplanned ? 2 : c.to.budget.detectionSeconds + c.to.budget.dnsTtlSeconds,
    timeoutSeconds: 900,
    pollSeconds: 10,
    verify: async (ctx) => {
      const problems: string[] = [];
      if (aurora) {
        const g = await a.rds.describeGlobalCluster(c.p.to, aurora.globalClusterIdentifier);
        const w = g.members.find((m) => m.isWriter);
        if (w?.clusterArn !== aurora.clusterArn)
          problems.push(`Aurora writer is ${w?.region ?? "none"}`);
      }
      const regions = c.d.topology.regions;
      const s = await a.dynamodb.readControl(c.p.to, controlTable(c), regions);
      if (s.writer?.region !== c.p.to)
        problems.push(`writer item says ${s.writer?.region ?? "nothing"}`);
      const fence = (r: Region) => s.fences.find((x) => x.region === r);
      if (fence(c.p.to)?.fenced) problems.push(`${c.p.to} is still fenced`);
      if (c.p.from !== c.p.to && !fence(c.p.from)?.fenced)
        problems.push(`${c.p.from} is not fenced`);
      if (!c.unplanned && c.p.from !== c.p.to) {
        // Route 53 reads are allowed on planned runs only: its API lives in us-east-1. If it
        // does not answer, the gates (verified by the traffic steps) are the evidence.
        try {
          const [toOk, fromOk] = await Promise.all([
            writerRouteHealthy(a, c.to),
            writerRouteHealthy(a, c.from),
          ]);
          if (!toOk) problems.push(`Route 53 does not yet see ${c.p.to} as a healthy writer`);
          if (fromOk) problems.push(`Route 53 still sees ${c.p.from} as a healthy writer`);
        } catch (e) {
          if (!isTransient(e)) throw e;
          if (!route53Noted)
            ctx.note(`Route 53 status unreadable (${(e as Error).message}); relying on the gates`);
          route53Noted = true;
        }
      }
      return { ok: problems.length === 0, detail: problems.join("; ") };
    },
    ifFailed: `The switch is done but not yet confirmed; run 'failover status' to see what differs.`,
  });
}

// ---------------------------------------------------------------------------------------------
// The run claim

/** Last step: marks the run claim finished, so the next run may take it. */
export function releaseRun(c: Ctx, dependsOn: string[]): Step {
  const regions = claimRegions(c.p.kind, c.p.from, c.p.to, c.d.topology.regions);
  return step({
    id: "run.release",
    title: `Release the run claim (control table in ${regions.join(", ")})`,
    region: c.p.to,
    dependsOn,
    mutates: true,
    budgetSeconds: 1,
    run: async (ctx) => {
      const lost = await releaseClaim(
        c.d.topology,
        c.d.adapters,
        claimFor(c.p, ctx.runId, "finished", isoAt(ctx)),
      );
      if (lost.length > 0) {
        ctx.note(
          `another run has taken the claim in ${lost.join(", ")}; it was not released there`,
        );
      }
      return { lost };
    },
  });
}
