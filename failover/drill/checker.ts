import { RunbookKind } from "../runbooks";
import type { DrillResult } from "./harness";
import { StoreResult } from "./measure";

/**
 * The drill's judge: pure functions over what a drill observed (plain data, no simulator), so
 * that each invariant can be shown failing on a hand-made bad record as well as on a real
 * drill that breaks it (checker.test.ts).
 */

/** A moment when a set of regions held something that only one may hold. */
export interface RegionsAt {
  at: number;
  regions: string[];
}

/** What the drill recorded, everything the invariants are judged on. */
export interface DrillObservations {
  command: RunbookKind;
  to: string;
  runStatus: "succeeded" | "failed" | "crashed" | "not-started";
  /** Every change of the set of regions whose application accepts writes. */
  writerHistory: RegionsAt[];
  /** Every moment two or more cells' writer records were healthy (Route 53's monitor). */
  writerRecordOverlaps: RegionsAt[];
  /** When two regions' writer-only consumers (event source mappings) polled at once. */
  consumerOverlaps: RegionsAt[];
  /** Steps the run finished degraded (it reported them and how to finish them by hand). */
  degradedSteps: string[];
  stores: StoreResult[];
  /** The state once the traffic settled. */
  end: {
    accepting: string[];
    /** The Aurora primary's region; null without Aurora. */
    databasePrimary: string | null;
    /** The region the control table's writer item names; null without one. */
    controlWriter: string | null;
    /** Whom the writer name answers. */
    writerAnswer: string;
  };
}

export type Invariants = DrillResult["invariants"];
export type InvariantName = keyof Invariants;

export interface InvariantCheck {
  /** Null when the invariant does not apply to this drill. */
  holds: boolean | null;
  /** Why it does not hold, naming the first evidence. */
  problem?: string;
}

/** Never two regions accept writes at once. */
export function singleWriter(o: DrillObservations): InvariantCheck {
  const bad = writerViolations(o.writerHistory);
  return bad.length === 0
    ? { holds: true }
    : {
        holds: false,
        problem: `two regions accepted writes at once (${bad[0].regions.join(", ")} at ${bad[0].at} s)`,
      };
}

/** The moments more than one region accepted writes. */
export function writerViolations(history: readonly RegionsAt[]): RegionsAt[] {
  return history.filter((h) => h.regions.length > 1);
}

/** Never two cells' writer records healthy at once (Route 53 would answer both). */
export function oneWriterRecord(o: DrillObservations): InvariantCheck {
  const first = o.writerRecordOverlaps[0];
  return first === undefined
    ? { holds: true }
    : {
        holds: false,
        problem: `two writer records were healthy at once (${first.regions.join(", ")} at ${first.at} s)`,
      };
}

/**
 * Never two regions' writer-only consumers enabled at once without the run saying so: a
 * switchover or failback disables the source's event source mappings before it enables the
 * target's, or reports the source's step degraded. Does not apply to a failover.
 */
export function oneConsumerRegion(o: DrillObservations): InvariantCheck {
  // A failover never calls the failed region: its consumers are presumed running, guarded by
  // write admission only, and stay enabled if it returns until a failback disables them.
  if (o.command === "failover") return { holds: null };
  const first = o.consumerOverlaps[0];
  // A source whose mappings could not be switched off is reported degraded (with the command
  // to finish it); fenced, its consumers' writes are refused. Only a silent overlap fails.
  const reported = o.degradedSteps.some((s) =>
    /^(consumers\.disable|reprotect\.consumers)/.test(s),
  );
  return first === undefined || reported
    ? { holds: true }
    : {
        holds: false,
        problem: `two regions' writer-only consumers polled at once (${first.regions.join(", ")} at ${first.at} s)`,
      };
}

/**
 * A switchover loses no acknowledged write, in any store, the cache included: the switchover
 * promotes it only after every drain (100,000 soak runs held with it; before that ordering, run
 * 14,321 of seed 1 lost one). Does not apply to a failover.
 */
export function noLostWritesOnSwitchover(o: DrillObservations): InvariantCheck {
  if (o.command !== "switchover") return { holds: null };
  const lost = o.stores.filter((s) => s.lostWrites > 0);
  return lost.length === 0
    ? { holds: true }
    : {
        holds: false,
        problem: `the switchover lost acknowledged writes (${lost.map((s) => `${s.store}: ${s.lostWrites}`).join(", ")})`,
      };
}

/** The run succeeded and ended with one healthy writer in the target, everywhere it is recorded. */
export function converged(o: DrillObservations): InvariantCheck {
  const why: string[] = [];
  if (o.runStatus !== "succeeded") why.push(`the run ${o.runStatus.replace("-", " ")}`);
  if (o.end.accepting.length !== 1 || o.end.accepting[0] !== o.to)
    why.push(`accepting writes: ${o.end.accepting.join(", ") || "none"}`);
  if (o.end.databasePrimary !== null && o.end.databasePrimary !== o.to)
    why.push(`the database primary is in ${o.end.databasePrimary}`);
  if (o.end.controlWriter !== null && o.end.controlWriter !== o.to)
    why.push(`the control table names ${o.end.controlWriter}`);
  if (o.end.writerAnswer !== o.to) why.push(`the writer name answers ${o.end.writerAnswer}`);
  return why.length === 0
    ? { holds: true }
    : {
        holds: false,
        problem: `the run did not converge on one healthy writer in ${o.to} (${why.join("; ")})`,
      };
}

export const INVARIANTS: Record<InvariantName, (o: DrillObservations) => InvariantCheck> = {
  singleWriter,
  oneWriterRecord,
  oneConsumerRegion,
  noLostWritesOnSwitchover,
  converged,
};

export function checkInvariants(o: DrillObservations): Invariants {
  return {
    singleWriter: singleWriter(o).holds === true,
    oneWriterRecord: oneWriterRecord(o).holds === true,
    oneConsumerRegion: oneConsumerRegion(o).holds,
    noLostWritesOnSwitchover: noLostWritesOnSwitchover(o).holds,
    converged: converged(o).holds === true,
  };
}

/**
 * Did the drill pass: every invariant holds and RTO/RPO are within the manifests' targets.
 * Times in the problems count from the drill's reference point, as in the report.
 */
export function drillVerdict(r: DrillResult): { ok: boolean; problems: string[] } {
  const rel = (t: number) => Math.round((t - r.referenceSeconds) * 1000) / 1000;
  const problems: string[] = [];
  if (!r.invariants.singleWriter) {
    problems.push(
      `two regions accepted writes at once (first at ${rel(r.writerViolations[0]?.at ?? 0)} s)`,
    );
  }
  if (!r.invariants.oneWriterRecord) {
    problems.push(
      `two writer records were healthy at once (first at ${rel(r.writerRecordOverlaps[0]?.at ?? 0)} s: ${r.writerRecordOverlaps[0]?.regions.join(", ")})`,
    );
  }
  if (r.invariants.oneConsumerRegion === false) {
    problems.push(
      `two regions' writer-only consumers polled at once (first at ${rel(r.consumerOverlaps[0]?.at ?? 0)} s: ${r.consumerOverlaps[0]?.regions.join(", ")})`,
    );
  }
  if (r.invariants.noLostWritesOnSwitchover === false)
    problems.push("the switchover lost acknowledged writes");
  if (!r.invariants.converged)
    problems.push(`the run did not converge on one healthy writer in ${r.to}`);
  if (r.rtoSeconds === null) problems.push(`no write was acknowledged in ${r.to}`);
  else if (r.rtoSeconds > r.rtoTargetSeconds)
    problems.push(`RTO ${r.rtoSeconds} s is over the ${r.rtoTargetSeconds} s target`);
  for (const s of r.stores) {
    if (s.rpoSeconds > s.rpoTargetSeconds)
      problems.push(`${s.store}: RPO ${s.rpoSeconds} s is over the ${s.rpoTargetSeconds} s target`);
  }
  return { ok: problems.length === 0, problems };
}

/**
 * The safety property of the random-fault tests and the soak: the invariants, every safe stop
 * says why, and the operator's resumes end in a finished, converged run. Undefined when it holds.
 */
export function safetyProblem(r: DrillResult): string | undefined {
  if (!r.invariants.singleWriter)
    return `two regions accepted writes at once: ${JSON.stringify(r.writerViolations.slice(0, 3))}`;
  if (!r.invariants.oneWriterRecord)
    return `two writer records healthy at once: ${JSON.stringify(r.writerRecordOverlaps.slice(0, 3))}`;
  if (r.invariants.oneConsumerRegion === false)
    return `two regions' consumers polled at once: ${JSON.stringify(r.consumerOverlaps.slice(0, 3))}`;
  if (r.invariants.noLostWritesOnSwitchover === false)
    return `a switchover lost acknowledged writes: ${JSON.stringify(r.stores)}`;
  if (r.run.failures.some((f) => f.message.length === 0)) return "a safe stop without a message";
  if (r.run.status !== "succeeded")
    return `the run did not finish after ${r.run.resumes} resumes: ${JSON.stringify(r.run.failures.slice(-2))}`;
  if (!r.invariants.converged) return "the run finished but did not converge on one healthy writer";
  return undefined;
}
