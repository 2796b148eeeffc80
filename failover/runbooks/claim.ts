import { maxEpoch } from "../adapters/control";
import { Adapters, Region, RunClaim } from "../adapters/types";
import { RunbookKind, RunbookParams } from "./context";
import { cell, Topology } from "./topology";

/*
 * One run at a time. Before a run changes anything it takes the `run` claim in the control
 * table with a conditional write, in every region it acts through, in a fixed order:
 * - planned runs (switchover, failback, restore): the source and the target, so two operators
 *   switching over at once meet in the source's region and exactly one proceeds, and a
 *   planned run and a failover to the same target meet in the target's;
 * - failover: the target only (the source is presumed dead and is never called);
 * - restore: every region (see `claimRegions`).
 * DynamoDB conditional writes are atomic within one region only. Two runs that claim in
 * disjoint regions (two failovers to different targets of a three-region app, during a
 * partition) can both win their claim; the control items they write still cannot both land at
 * one epoch (equal epochs need the same run), and Aurora accepts one global failover at a time.
 */

export class ClaimHeldError extends Error {
  constructor(
    readonly region: Region,
    readonly holder: RunClaim | undefined,
  ) {
    super(
      holder
        ? `run ${holder.runId} (${holder.kind} ${holder.from} -> ${holder.to}, epoch ${holder.epoch}, ${holder.state}) holds the run claim in ${region}`
        : `another run holds the run claim in ${region}`,
    );
    this.name = "ClaimHeldError";
  }
}

/** The claim a run with these params takes (or, with another state, releases). */
export function claimFor(
  params: Pick<RunbookParams, "kind" | "from" | "to" | "epoch">,
  runId: string,
  state: RunClaim["state"] = "active",
  updatedAt?: string,
): RunClaim {
  const { kind, from, to, epoch } = params;
  return { runId, epoch, state, kind, from, to, ...(updatedAt ? { updatedAt } : {}) };
}

/**
 * The regions whose control-table replica a run claims, in the order it claims them. A
 * restore (the way back from an abandoned planned run) claims every region, so that it takes
 * over the abandoned run's claim wherever that run had taken it. The target is always among
 * them, so the epoch read from them covers the replica the run's state was read from.
 */
export function claimRegions(kind: RunbookKind, from: Region, to: Region, all: Region[]): Region[] {
  if (kind === "failover") return [to];
  if (kind === "restore") return [...all].sort();
  return [...new Set([from, to])].sort();
}

function tableIn(topology: Topology, region: Region): string {
  const t = cell(topology, region).stores.controlTable;
  if (!t) throw new Error(`${region} has no control table`);
  return t.tableName;
}

/** One more than the highest epoch any of `regions` holds (read strongly consistent). */
export async function nextEpochIn(
  topology: Topology,
  adapters: Adapters,
  regions: Region[],
): Promise<number> {
  const states = await Promise.all(
    regions.map((r) => adapters.dynamodb.readControl(r, tableIn(topology, r), topology.regions)),
  );
  return Math.max(...states.map((s) => maxEpoch(s))) + 1;
}

/**
 * Takes the claim in each region in order. If one region refuses, the claims already taken are
 * marked abandoned again (best effort) and ClaimHeldError names the holder.
 */
export async function takeClaim(
  topology: Topology,
  adapters: Adapters,
  claim: RunClaim,
  options: { takeOver?: string } = {},
): Promise<void> {
  const taken: Region[] = [];
  for (const region of claimRegions(
    claim.kind as RunbookKind,
    claim.from,
    claim.to,
    topology.regions,
  )) {
    const r = await adapters.dynamodb.claimRun(region, tableIn(topology, region), claim, options);
    if (r.outcome === "held") {
      await Promise.allSettled(
        taken.map((t) =>
          adapters.dynamodb.releaseRun(t, tableIn(topology, t), { ...claim, state: "abandoned" }),
        ),
      );
      throw new ClaimHeldError(region, r.holder);
    }
    taken.push(region);
  }
}

/** Marks the claim finished in each claimed region; returns the regions where another run took it. */
export async function releaseClaim(
  topology: Topology,
  adapters: Adapters,
  claim: RunClaim,
): Promise<Region[]> {
  const lost: Region[] = [];
  for (const region of claimRegions(
    claim.kind as RunbookKind,
    claim.from,
    claim.to,
    topology.regions,
  )) {
    const r = await adapters.dynamodb.releaseRun(region, tableIn(topology, region), claim);
    if (r.outcome === "superseded") lost.push(region);
  }
  return lost;
}
