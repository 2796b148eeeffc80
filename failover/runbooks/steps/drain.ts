import { DynamoKeyValue } from "../../adapters/types";
import { Step } from "../../engine/graph";
import { StepCtx, step } from "../context";
import { dynamoLatencyQuery, latestAuroraLag, mskLagQuery } from "../topology";
import { mskReplicator, restoreHint, seconds } from "./shared";

/* Drain (planned runs only): wait for replication to reach the target after the fence. */

export function drainAurora(c: StepCtx): Step | undefined {
  const aurora = c.toCell.stores.aurora;
  if (!aurora) return undefined;
  return step({
    id: "drain.aurora",
    title: `Drain Aurora replication to ${c.run.to}`,
    region: c.run.to,
    dependsOn: ["fence.source"],
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 5,
    verify: async (ctx) => {
      const lag = await latestAuroraLag(
        c.aws.cloudwatch,
        c.run.to,
        aurora.clusterIdentifier,
        ctx.clock.now(),
      );
      // SwitchoverGlobalCluster itself waits for the secondary to catch up (RPO 0): a
      // missing datapoint does not block it.
      if (!lag) return { ok: true };
      return {
        ok: lag.value / 1000 <= c.run.thresholds.drainLagSeconds,
        detail: `Aurora lag ${seconds(lag.value)} > ${c.run.thresholds.drainLagSeconds} s`,
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
export function drainDynamo(c: StepCtx): Step {
  const tables = [
    ...c.toCell.stores.dynamodb,
    ...(c.toCell.stores.controlTable ? [c.toCell.stores.controlTable] : []),
  ];
  let fencedAt: number | undefined;
  const markerKey = (t: (typeof tables)[number], runId: string) => ({
    [t.partitionKey]: keyValue(t.partitionKeyType ?? "S", `dr-drain#${runId}`, c.run.epoch),
    ...(t.sortKey ? { [t.sortKey]: keyValue(t.sortKeyType ?? "S", "dr-drain", c.run.epoch) } : {}),
  });
  return step({
    id: "drain.dynamodb",
    title: `Drain DynamoDB replication ${c.run.from} -> ${c.run.to} (${tables.length} tables)`,
    region: c.run.from,
    dependsOn: ["fence.source"],
    budgetSeconds: 5,
    timeoutSeconds: 600,
    pollSeconds: 5,
    run: async (ctx) => {
      fencedAt = ctx.clock.now();
      await Promise.all(
        tables.map((t) =>
          c.aws.dynamodb.putDrainMarker(
            c.run.from,
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
        const arrived = await c.aws.dynamodb.hasItem(
          c.run.to,
          t.tableName,
          markerKey(t, ctx.runId),
        );
        if (!arrived)
          return { ok: false, detail: `${t.tableName}: drain marker not in ${c.run.to} yet` };
        const lag = await c.aws.cloudwatch.latestMetric(
          c.run.from,
          dynamoLatencyQuery(t.tableName, c.run.to, ctx.clock.now()),
        );
        const covers = lag !== undefined && lag.timestampMs + 60_000 > since;
        if (covers && lag.value / 1000 > c.run.thresholds.drainLagSeconds) {
          return {
            ok: false,
            detail: `${t.tableName}: latency ${seconds(lag.value)} > ${c.run.thresholds.drainLagSeconds} s`,
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
export function drainMsk(c: StepCtx): Step | undefined {
  const replicatorArn = mskReplicator(c.toCell, c.run.from)?.replicatorArn;
  if (!replicatorArn) return undefined;
  return step({
    id: "drain.msk",
    title: `Drain the MSK replicator ${c.run.from} -> ${c.run.to}`,
    region: c.run.to,
    dependsOn: ["fence.source"],
    budgetSeconds: 60,
    timeoutSeconds: 900,
    pollSeconds: 10,
    verify: async (ctx) => {
      const lag = await c.aws.cloudwatch.latestMetric(
        c.run.to,
        mskLagQuery(replicatorArn, ctx.clock.now()),
      );
      if (!lag) return { ok: false, detail: "no MessageLag datapoint yet" };
      return {
        ok: lag.value <= c.run.thresholds.drainMessages,
        detail: `backlog ${lag.value} messages > ${c.run.thresholds.drainMessages}`,
      };
    },
    ifFailed: restoreHint(c),
  });
}
