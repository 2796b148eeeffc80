import { summarize } from "../engine/journal";
import { RunbookKind } from "../runbooks";
import { Simulation } from "../simulator/simulation";
import { DrillDisk } from "./operator";

/**
 * Measures of a finished drill, read from the simulator and the operator's journal: RPO per
 * store, the steps as they ran, and the two yardsticks for the RTO (the critical path of this
 * run's own service operations, and the same steps run one after another).
 */

export interface DrillStep {
  name: string;
  title: string;
  startSeconds: number;
  endSeconds: number | null;
  result: string;
  attempts: number;
  /** Which operator process ran it (1 = first, more after crashes or resumes). */
  session: number;
}

export interface StoreResult {
  store: string;
  /** A store the application acknowledges writes on (not the best-effort cache). */
  ofRecord: boolean;
  rpoSeconds: number;
  lostWrites: number;
  ackedWrites: number;
  rpoTargetSeconds: number;
}

export function measureRpo(sim: Simulation, region: string, rpoTarget: number): StoreResult[] {
  const acked = sim.workload.acked;
  const stores: {
    name: string;
    has: (key: string) => boolean;
    counts: (w: { cached: boolean }) => boolean;
  }[] = [];
  if (sim.aurora)
    stores.push({ name: "aurora", has: (key) => sim.aurora!.has(region, key), counts: () => true });
  for (const t of sim.tables)
    stores.push({
      name: `dynamodb:${t.tableName}`,
      has: (key) => t.has(region, key),
      counts: () => true,
    });
  if (sim.msk)
    stores.push({ name: "msk", has: (key) => sim.msk!.has(region, key), counts: () => true });
  if (sim.cache)
    stores.push({
      name: "elasticache",
      has: (key) => sim.cache!.has(region, key),
      counts: (w) => w.cached,
    });
  return stores.map((s) => {
    let lost = 0;
    let firstLost: number | undefined;
    let lastLost = 0;
    let lastSurvivorBeforeLoss: number | undefined;
    for (const w of acked) {
      if (!s.counts(w)) continue;
      if (s.has(w.key)) {
        if (firstLost === undefined) lastSurvivorBeforeLoss = w.at;
        continue;
      }
      lost++;
      firstLost ??= w.at;
      lastLost = w.at;
    }
    const rpo = firstLost === undefined ? 0 : lastLost - (lastSurvivorBeforeLoss ?? firstLost);
    return {
      store: s.name,
      ofRecord: s.name !== "elasticache",
      rpoSeconds: round(rpo),
      lostWrites: lost,
      ackedWrites: acked.filter((w) => s.counts(w)).length,
      rpoTargetSeconds: rpoTarget,
    };
  });
}

export function stepsFromJournal(
  sim: Simulation,
  disk: DrillDisk,
  runId: string | undefined,
  sessionOf: Map<string, number>,
): DrillStep[] {
  if (!runId) return [];
  const events = disk.read(runId);
  const header = summarize(events).header;
  const byId = new Map<string, DrillStep>();
  const order = header?.stepIds ?? [];
  for (const e of events) {
    if (e.type === "step-started") {
      const s = byId.get(e.id);
      if (!s || s.result !== "running") {
        byId.set(e.id, {
          name: e.id,
          title: e.id,
          startSeconds: round(sim.toSeconds(e.at)),
          endSeconds: null,
          result: "running",
          attempts: 0,
          session: sessionOf.get(e.id) ?? 1,
        });
      }
    } else if (e.type === "step-finished" || e.type === "step-failed") {
      const s = byId.get(e.id) ?? {
        name: e.id,
        title: e.id,
        startSeconds: round(sim.toSeconds(e.startedAt)),
        endSeconds: null,
        result: "running",
        attempts: 0,
        session: sessionOf.get(e.id) ?? 1,
      };
      s.startSeconds = round(sim.toSeconds(e.startedAt));
      s.endSeconds = round(sim.toSeconds(e.at));
      s.result = e.type === "step-finished" ? e.result : "failed";
      s.attempts = e.attempts;
      byId.set(e.id, s);
    }
  }
  for (const s of byId.values()) if (s.result === "running") s.result = "interrupted";
  return [...byId.values()].sort(
    (a, b) => order.indexOf(a.name) - order.indexOf(b.name) || a.startSeconds - b.startSeconds,
  );
}

/**
 * The RTO an orchestrator with no overhead would get in this very run: detection (fault to
 * command), the time the fence needed to replicate and the source to drain, the promotion as
 * AWS performed it, the traffic switch's propagation (when the writer name did not already
 * answer the target), and the clients' own wait for their cached answers and next write.
 */
export function criticalPathBound(
  sim: Simulation,
  r: {
    reference: number;
    commandAt: number;
    to: string;
    from: string;
    command: RunbookKind;
    firstWriteAt: number;
  },
): number {
  const detection = r.commandAt - r.reference;
  const promotion = sim.aurora?.operations.find(
    (o) =>
      o.region === r.to &&
      o.kind === (r.command === "failover" ? "failover" : "switchover") &&
      o.endedAt !== undefined,
  );
  if (!promotion) return r.firstWriteAt - r.reference;
  const promotionSeconds = promotion.endedAt! - promotion.startedAt;
  const drain = r.command === "switchover" ? sim.drainSecondsAfterFence : 0;
  // Traffic: the writer name must answer the target after the promotion.
  const flip = [...sim.traffic.dnsChanges]
    .reverse()
    .find((c) => c.region === r.to && c.at <= r.firstWriteAt);
  const trafficSeconds =
    flip && flip.at > promotion.endedAt!
      ? flip.cause === undefined
        ? 0
        : flip.at - flip.cause
      : 0;
  const ready = Math.max(promotion.endedAt!, flip?.at ?? 0);
  const clientWait = Math.max(0, r.firstWriteAt - ready);
  return detection + drain + promotionSeconds + trafficSeconds + clientWait;
}

/**
 * The time a sequential runbook of the same steps takes: detection, then every step one after
 * another, each taking the time it took in this run (what `failover` reports as "steps in
 * sequence would take").
 */
export function sequentialBound(
  steps: DrillStep[],
  r: { reference: number; commandAt: number },
): number | null {
  if (steps.some((s) => s.endSeconds === null)) return null;
  return steps.reduce(
    (sum, s) => sum + (s.endSeconds! - s.startSeconds),
    r.commandAt - r.reference,
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
