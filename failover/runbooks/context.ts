import { DrManifest } from "../../manifest";
import { Adapters, Region } from "../adapters/types";
import { Step } from "../engine/graph";
import { Topology, cell } from "./topology";

/**
 * `restore` is the way back from a planned run stopped after the fence but before promotion:
 * the source still holds the Aurora writer, so it is recorded as the writer and unfenced
 * again (`failover switchover --to <source> --abandon <run>`).
 */
export type RunbookKind = "switchover" | "failover" | "failback" | "restore";

export interface Thresholds {
  /** Preflight: replication lag above this refuses a switchover. Defaults to the target's RPO. */
  maxLagSeconds: number;
  /** Drain: Aurora and DynamoDB lag must fall to this. Defaults to 1 s. */
  drainLagSeconds: number;
  /** Drain: MSK replicator backlog must fall to this many messages. Defaults to 0. */
  drainMessages: number;
  /**
   * Failover: the writer lease the services give `WriteAdmission` (admission/). The target is
   * recorded as writer only once the failed region's lease has run out as seen in the target,
   * or its services would refuse every write. Defaults to 3 s (the library's default).
   */
  writerLeaseSeconds?: number;
  /**
   * How long traffic.open waits after the old writer's switch reads closed, when Route 53
   * cannot be asked whether it acted on it. Defaults to SWITCH_PROPAGATION_MARGIN_SECONDS.
   */
  switchMarginSeconds?: number;
  /**
   * Planned runs: how long the source's queue drain (before the fence) waits for the queue to
   * empty before the run goes on and reports what is left. Defaults to 30 s.
   */
  queueDrainSeconds?: number;
}

/**
 * Everything that decides a run's graph. Plain JSON: it is journaled at the start so that a
 * resume rebuilds exactly the same graph, even after the writer has moved.
 */
export interface RunbookParams {
  kind: RunbookKind;
  /** The current writer (on failover: the failed region, never called). */
  from: Region;
  to: Region;
  /** Epoch for this run's control-table writes: one more than any stored epoch. */
  epoch: number;
  thresholds: Thresholds;
}

export interface RunbookDeps {
  topology: Topology;
  adapters: Adapters;
}

/** Fills a step's optional fields with the runbooks' defaults. */
export function step(s: Partial<Step> & Pick<Step, "id" | "title" | "budgetSeconds">): Step {
  return {
    dependsOn: [],
    mutates: false,
    timeoutSeconds: 120,
    ...s,
  };
}

/** What every step builder (steps/) gets: the run, the world it acts on, and its two cells. */
export interface StepCtx {
  /** The run's kind, regions, epoch and thresholds (journaled; a resume rebuilds the graph from it). */
  run: RunbookParams;
  topology: Topology;
  /** The AWS clients; every call names its region. */
  aws: Adapters;
  /** The current writer's manifest (`run.from`). On failover it is read, never called. */
  fromCell: DrManifest;
  /** The target's manifest (`run.to`). */
  toCell: DrManifest;
  /** True on failover: `run.from` is presumed dead and must not be called. */
  unplanned: boolean;
}

export function makeCtx(run: RunbookParams, deps: RunbookDeps): StepCtx {
  return {
    run,
    topology: deps.topology,
    aws: deps.adapters,
    fromCell: cell(deps.topology, run.from),
    toCell: cell(deps.topology, run.to),
    unplanned: run.kind === "failover",
  };
}
