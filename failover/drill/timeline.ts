import { Simulation } from "../simulator/simulation";
import { describeFault, FaultSpec } from "./faults";

/**
 * The drill's timeline: what happened when, in virtual seconds. The scenario, the operator and
 * the simulator each contribute events; the report and the picture print them relative to the
 * drill's reference point (the fault, or the command for a plain switchover).
 */

export interface TimelineEvent {
  at: number;
  kind:
    | "fault"
    | "heal"
    | "detected"
    | "command"
    | "crash"
    | "resume"
    | "failed"
    | "dns"
    | "writers"
    | "first-write"
    | "done";
  text: string;
  /** The regions it is about: who accepts writes (`writers`), whom the writer name answers (`dns`). */
  regions?: string[];
}

export function faultEvents(faults: readonly FaultSpec[], reference: number): TimelineEvent[] {
  return faults.flatMap((f): TimelineEvent[] => {
    const text = describeFault(f, reference);
    return f.until === undefined
      ? [{ at: f.at, kind: "fault", text }]
      : [
          { at: f.at, kind: "fault", text },
          { at: f.until, kind: "heal", text: `healed: ${text}` },
        ];
  });
}

/** What the simulator recorded: writer name answers, who accepted writes, the first new write. */
export function simulatorEvents(
  sim: Simulation,
  firstWrite: { at: number; region: string } | undefined,
): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  if (firstWrite)
    out.push({
      at: firstWrite.at,
      kind: "first-write",
      text: `first write acknowledged in ${firstWrite.region}`,
      regions: [firstWrite.region],
    });
  for (const c of sim.traffic.dnsChanges)
    out.push({
      at: c.at,
      kind: "dns",
      text: `writer name answers ${c.region}`,
      regions: [...c.regions],
    });
  for (const h of sim.workload.writerHistory)
    out.push({
      at: h.at,
      kind: "writers",
      text: `accepting writes: ${h.regions.length ? h.regions.join(", ") : "none"}`,
      regions: [...h.regions],
    });
  return out;
}

/** One ordered timeline; events at the same instant keep the order they were given in. */
export function assembleTimeline(...parts: TimelineEvent[][]): TimelineEvent[] {
  return parts
    .flat()
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => ({ ...e, at: Math.round(e.at * 1000) / 1000 }));
}
