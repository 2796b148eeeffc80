import { DrManifest } from "../../../manifest";
import { Region } from "../../adapters/types";
import { StepConditionError, StepContext } from "../../engine/graph";
import { StepCtx } from "../context";

/*
 * Helpers the phase files share. Every call a step makes names its region explicitly; on
 * failover the acting region is the target, so nothing reaches the failed region.
 */

/** The control table's name (the target's manifest). */
export function controlTable(c: StepCtx): string {
  const t = c.toCell.stores.controlTable;
  if (!t) throw new StepConditionError(`${c.run.to}: stores.controlTable is null`);
  return t.tableName;
}

/**
 * Whether a control item holds this run's write. An item at a newer epoch, or at this epoch
 * from another run, belongs to someone else: the step stops rather than treat it as done.
 */
export function ownedByThisRun(
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

export function isoAt(ctx: StepContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The replicator in `into`'s region that pulls from `fromRegion` (manifest `stores.msk`). */
export function mskReplicator(into: DrManifest, fromRegion: Region) {
  return into.stores.msk.replicators.find((r) => r.sourceRegion === fromRegion);
}

/** The way back while the source is fenced but still the Aurora writer. */
export function restoreHint(c: StepCtx): string {
  return `${c.run.from} is fenced and still the Aurora writer: writes are refused. Resume to continue, or give writes back to ${c.run.from} with 'failover switchover --to ${c.run.from} --abandon <run id>'.`;
}
