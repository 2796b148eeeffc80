import { FenceRecord, Region, RunClaim, WriterRecord } from "./types";

/*
 * The DR control table's write protocol, in one place. Every implementation (AWS, the
 * simulator, the test fake) decides a conditional write with these predicates, and the AWS
 * adapter sends the same rules as a DynamoDB ConditionExpression; a test runs both against
 * dynalite (a real DynamoDB implementation) and checks they agree.
 *
 * Items (partition key `pk`):
 * - `run`: the claim. Whoever holds it at epoch E owns every write at epoch E. A new run takes
 *   it only when no run is active; a resume re-takes its own; `--abandon <id>` takes it from
 *   that run alone.
 * - `writer` and `fence#<region>`: written at the run's epoch, and accepted only when the stored
 *   epoch is lower or it is the same run's write again (idempotent steps). Equal epoch from a
 *   different run is refused: that is how two runs that somehow took the same epoch (a claim
 *   made in different regions of an eventually consistent table) cannot both write.
 */

export const CONTROL_KEY = "pk";
export const WRITER_PK = "writer";
export const CLAIM_PK = "run";
export const fencePk = (region: Region) => `fence#${region}`;

interface Epoched {
  epoch: number;
  runId?: string;
}

/** Whether a writer or fence write at `incoming.epoch` by `incoming.runId` may replace `current`. */
export function controlWriteAllowed(current: Epoched | undefined, incoming: Epoched): boolean {
  if (!current) return true;
  if (current.epoch < incoming.epoch) return true;
  return current.epoch === incoming.epoch && current.runId === incoming.runId;
}

/** `attribute_not_exists(pk) OR epoch < :epoch OR (epoch = :epoch AND runId = :runId)`. */
export const CONTROL_WRITE_CONDITION =
  "attribute_not_exists(#pk) OR #epoch < :epoch OR (#epoch = :epoch AND #runId = :runId)";

/**
 * Whether `incoming` may take the claim held as `current`. `takeOver` is the run id the operator
 * abandoned explicitly (`--abandon`): only that run's active claim may be taken.
 */
export function claimAllowed(
  current: RunClaim | undefined,
  incoming: RunClaim,
  takeOver?: string,
): boolean {
  if (!current) return true;
  if (current.runId === incoming.runId) return current.epoch === incoming.epoch;
  if (current.epoch >= incoming.epoch) return false;
  if (current.state !== "active") return true;
  return takeOver !== undefined && current.runId === takeOver;
}

/** The same rule as `claimAllowed`, as a ConditionExpression. `:takeOver` is "" when unset. */
export const CLAIM_CONDITION =
  "attribute_not_exists(#pk) OR (#runId = :runId AND #epoch = :epoch) OR " +
  "(#runId <> :runId AND #epoch < :epoch AND (#state <> :active OR #runId = :takeOver))";

/** Whether a run may mark its own claim finished (or abandoned): it must still hold it. */
export function releaseAllowed(current: RunClaim | undefined, runId: string, epoch: number) {
  return current !== undefined && current.runId === runId && current.epoch === epoch;
}

export const RELEASE_CONDITION = "#runId = :runId AND #epoch = :epoch";

/** The highest epoch any control item holds: the next run takes one more. */
export function maxEpoch(items: {
  writer?: WriterRecord;
  fences?: FenceRecord[];
  claim?: RunClaim;
}): number {
  return Math.max(
    0,
    items.writer?.epoch ?? 0,
    items.claim?.epoch ?? 0,
    ...(items.fences ?? []).map((f) => f.epoch),
  );
}
