/**
 * The write-admission contract as one pure function: given what a service instance knows
 * (its local replica of the DR control table, its database's writability, when it last heard
 * from each peer region, the time), may it accept a write? The DynamoDB-backed reader
 * (`WriteAdmission`) and the failover simulator's application both decide with it, so a drill
 * rehearses exactly what services run.
 *
 * A write is admitted only when all four conditions hold:
 *
 * 1. the control table's `writer` item names this region (no writer item: only the home
 *    region writes);
 * 2. `fence#<this region>` is absent or `fenced = false`;
 * 3. the database this instance is connected to is writable (an Aurora secondary is not);
 * 4. the writer lease holds: for every peer, it heard from that peer within `leaseSeconds`, or
 *    its own `writer` item was written at or after the moment it lost that peer plus the lease.
 *
 * All times are epoch milliseconds from clocks assumed synchronised (see docs/admission.md,
 * "Clocks"); only differences between them matter.
 */

/** The conditions, in the order they are checked; a refusal names the first that failed. */
export type AdmissionCondition = "writer" | "fence" | "database" | "lease";

/**
 * Why a write was refused: one of the conditions, or `unavailable` when the inputs could not
 * be read (the reader fails closed; the pure decision never returns it).
 */
export type RefusalCause = AdmissionCondition | "unavailable";

/** The control table's `writer` item, as far as admission is concerned. */
export interface WriterItem {
  /** The region meant to write. */
  region: string;
  epoch?: number;
  runId?: string;
  /**
   * When the item was written (epoch ms). Needed only when a peer has not been heard from:
   * without it the item cannot show it was written after the loss, so the lease fails.
   */
  writtenAtMs?: number;
}

/** The control table's `fence#<own region>` item. */
export interface FenceItem {
  fenced: boolean;
  epoch?: number;
  runId?: string;
}

/** When this region last heard from one peer region. */
export interface PeerContact {
  region: string;
  /**
   * Epoch ms of the peer's latest heartbeat seen in this region's replica; `undefined` when no
   * heartbeat of that peer has ever reached it (then the loss time is unknown and only a
   * heartbeat can restore the lease).
   */
  lastHeardMs: number | undefined;
}

export interface AdmissionInput {
  /** The region this instance runs in. */
  region: string;
  /** The region that writes when the control table has no writer item. */
  homeRegion: string;
  /** The `writer` item in this region's replica, or `undefined` when there is none. */
  writer: WriterItem | undefined;
  /** The `fence#<region>` item in this region's replica, or `undefined` when there is none. */
  fence: FenceItem | undefined;
  /** Whether the database this instance is connected to accepts writes. */
  databaseWritable: boolean;
  /** Every peer region, with when it was last heard from. */
  peers: readonly PeerContact[];
  /** The time of the decision, epoch ms. */
  nowMs: number;
  /** The writer lease, seconds (> 0). */
  leaseSeconds: number;
}

export interface AdmissionDecision {
  admit: boolean;
  /** Why, in words an operator can act on. */
  reason: string;
  /** On a refusal: the first condition that failed (or `unavailable`). */
  condition?: RefusalCause;
  /**
   * On an admission: the moment it stops holding with time alone (the earliest lease of a
   * peer that is admitted only because it was heard recently); `undefined` when no lease
   * runs out. A cached admission must not be used past it.
   */
  validUntilMs?: number;
}

function refuse(condition: AdmissionCondition, reason: string): AdmissionDecision {
  return { admit: false, reason, condition };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function describeRun(item: { epoch?: number; runId?: string }): string {
  const parts: string[] = [];
  if (item.epoch !== undefined) parts.push(`epoch ${item.epoch}`);
  if (item.runId !== undefined) parts.push(`run ${item.runId}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** Decides whether a service instance in `input.region` may accept a write now. */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  const { region, homeRegion, writer, fence, nowMs } = input;
  const leaseMs = input.leaseSeconds * 1000;

  // 1. The writer item names this region.
  if (writer === undefined) {
    if (region !== homeRegion) {
      return refuse(
        "writer",
        `the control table has no writer item, so only the home region ${homeRegion} writes, ` +
          `not ${region}; send writes to ${homeRegion}`,
      );
    }
  } else if (writer.region !== region) {
    return refuse(
      "writer",
      `the control table's writer item names ${writer.region}${describeRun(writer)}, not ${region}; ` +
        `send writes to ${writer.region}`,
    );
  }

  // 2. This region is not fenced.
  if (fence !== undefined && fence.fenced) {
    return refuse(
      "fence",
      `${region} is fenced (fence#${region}${describeRun(fence)}): a failover run took writes ` +
        `away from it; they resume here only after a run unfences it (failback or restore)`,
    );
  }

  // 3. The database is writable.
  if (!input.databaseWritable) {
    return refuse(
      "database",
      `the database this instance in ${region} is connected to is read-only (an Aurora ` +
        `secondary, or a cluster being switched over); writes go to the writer region`,
    );
  }

  // 4. The writer lease: every peer heard from within the lease, or the writer item written
  // after that peer was lost plus the lease (the old writer has stopped by then).
  let validUntilMs: number | undefined;
  const writtenAt = writer?.writtenAtMs;
  for (const peer of input.peers) {
    if (peer.region === region) continue;
    const heard = peer.lastHeardMs;
    if (heard !== undefined && nowMs - heard < leaseMs) {
      // Admitted on this peer's account until its lease runs out, unless the writer item
      // already covers a loss of it from now on (never: it was written before now).
      const until = heard + leaseMs;
      validUntilMs = validUntilMs === undefined ? until : Math.min(validUntilMs, until);
      continue;
    }
    if (heard === undefined) {
      return refuse(
        "lease",
        `writer lease: no heartbeat from ${peer.region} has ever reached ${region}'s control ` +
          `table, so ${region} cannot know when ${peer.region} last could write; run the ` +
          `Heartbeat in ${peer.region} (or remove it from the peers)`,
      );
    }
    const needed = heard + leaseMs;
    if (writtenAt === undefined || writtenAt < needed) {
      const silent = seconds(nowMs - heard);
      const item =
        writer === undefined
          ? "there is no writer item"
          : writtenAt === undefined
            ? "the writer item carries no write time (updatedAt)"
            : `the writer item was written ${seconds(needed - writtenAt)} before that loss plus the lease`;
      return refuse(
        "lease",
        `writer lease lapsed: nothing heard from ${peer.region} for ${silent} ` +
          `(lease ${input.leaseSeconds} s) and ${item}; ${region} may be cut off from a fence. ` +
          `Writes resume when ${peer.region}'s heartbeat arrives or a run records ${region} ` +
          `as writer again`,
      );
    }
  }

  const decision: AdmissionDecision = {
    admit: true,
    reason:
      writer === undefined
        ? `${region} is the home region and no writer item exists; not fenced, database ` +
          `writable, writer lease holds`
        : `${region} is the recorded writer${describeRun(writer)}; not fenced, database ` +
          `writable, writer lease holds`,
  };
  if (validUntilMs !== undefined) decision.validUntilMs = validUntilMs;
  return decision;
}
