import { DrManifest } from "../../manifest";
import { RunbookKind } from "../runbooks";
import { Simulation } from "../simulator/simulation";
import { FaultSpec } from "./faults";
import { TimelineEvent } from "./timeline";

/**
 * The scenario half of a drill: what goes wrong, which command the operator answers it with,
 * and when the operator starts. Nothing here runs the engine.
 */

export const SCENARIOS = ["switchover", "region-outage", "partition", "brownout"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** A lost writer is a failover; anything the writer can still take part in is a switchover. */
export function commandFor(scenario: ScenarioName): RunbookKind {
  return scenario === "region-outage" || scenario === "partition" ? "failover" : "switchover";
}

/**
 * The drill's time zero, in virtual seconds: the command for a plain switchover, the fault
 * otherwise. Known before the run, so a faults file, the report and the picture all count from
 * it (one time base).
 */
export function referenceSeconds(
  scenario: ScenarioName,
  warmupSeconds: number,
  reactionSeconds: number | undefined,
): number {
  return scenario === "switchover" ? warmupSeconds + (reactionSeconds ?? 0) : warmupSeconds;
}

/**
 * The scenario's own faults, starting at `t0`. `until` (virtual seconds) ends them: the failed
 * region returns, possibly while the failover is still running.
 */
export function scenarioFaults(
  scenario: ScenarioName,
  writer: string,
  t0: number,
  until?: number,
): FaultSpec[] {
  const span = until === undefined ? {} : { until };
  switch (scenario) {
    case "switchover":
      return [];
    case "region-outage":
      return [{ type: "region-outage", region: writer, at: t0, ...span }];
    case "partition":
      return [{ type: "isolation", region: writer, at: t0, ...span }];
    case "brownout":
      return [{ type: "brownout", region: writer, at: t0, failRate: 0.3, hangRate: 0.05, ...span }];
  }
}

/**
 * The default `--to`: the writer's first peer in its manifest's `peers` (its config order) that
 * has a manifest in the drill.
 */
export function defaultTarget(manifests: DrManifest[], writer: string): string {
  const own = manifests.find((m) => m.region === writer);
  const peer = own?.peers.find(
    (p) => p.region !== writer && manifests.some((m) => m.region === p.region),
  );
  if (!peer) throw new Error("a drill needs at least two regions in the manifests");
  return peer.region;
}

/**
 * A drill moves the writer name between the cells' weighted records: every cell needs one.
 * A cell deployed before its peers has none yet (`traffic.writerRecord` null).
 */
export function checkWriterRecords(manifests: DrManifest[]): void {
  const missing = manifests.filter(
    (m) => m.traffic.writerRecord === null || m.traffic.healthCheck.writerHealthCheckId === null,
  );
  if (missing.length === 0) return;
  throw new Error(
    `${missing.map((m) => m.stack).join(", ")}: traffic.writerRecord is null (the writer check waits for every peer's gates); run 'pulumi up' on ${missing.length > 1 ? "those stacks" : "that stack"} once every peer has deployed, then export the manifests again.`,
  );
}

/**
 * Runs the simulation from the end of the warm-up to the moment the operator starts the
 * command: a failover waits for the writer's health check to fail (Route 53 pages), a brownout
 * for the error-rate alarm (30 s unless `reactionSeconds`), a switchover starts at once.
 */
export async function awaitTrigger(
  sim: Simulation,
  o: {
    scenario: ScenarioName;
    writer: string;
    warmupSeconds: number;
    reactionSeconds?: number;
  },
): Promise<{ commandAt: number; events: TimelineEvent[] }> {
  const k = sim.kernel;
  const events: TimelineEvent[] = [];
  let commandAt: number;
  if (commandFor(o.scenario) === "failover") {
    const cell = sim.traffic.cellOfRegion(o.writer)!;
    await k.runUntil(() => !cell.httpsHealthy, o.warmupSeconds + 3600);
    if (!cell.httpsHealthy)
      events.push({ at: k.now, kind: "detected", text: `${o.writer} health check unhealthy` });
    commandAt = k.now + (o.reactionSeconds ?? 0);
  } else if (o.scenario === "brownout") {
    // An error-rate alarm, not the health check, pages the operator of a brownout.
    commandAt = o.warmupSeconds + (o.reactionSeconds ?? 30);
    events.push({ at: commandAt, kind: "detected", text: `${o.writer} error rate alarm` });
  } else {
    commandAt = referenceSeconds(o.scenario, o.warmupSeconds, o.reactionSeconds);
  }
  k.advanceTo(commandAt);
  return { commandAt, events };
}
