import { Rng } from "../simulator/rng";
import { Simulation } from "../simulator/simulation";
import { HEALTHY_API } from "../simulator/world";

/**
 * Faults a drill injects, at virtual times (seconds from the start of the run). Each has an
 * optional end; a fault without one lasts to the end of the run.
 */
export type FaultSpec =
  | { type: "region-outage"; region: string; at: number; until?: number }
  /** The region keeps running but is cut off from its peers and the Internet (split brain). */
  | { type: "isolation"; region: string; at: number; until?: number }
  | { type: "partition"; regions: [string, string]; at: number; until?: number }
  /** A fraction of API and application calls fail fast, another fraction hangs. */
  | {
      type: "brownout";
      region: string;
      at: number;
      until?: number;
      failRate: number;
      hangRate: number;
    }
  | { type: "throttling"; region: string; at: number; until?: number; rate: number }
  | { type: "internal-failure"; region: string; at: number; until?: number; rate: number }
  /** API latency and long operations (promotions, replication) take `factor` times longer. */
  | { type: "slow"; region: string; at: number; until?: number; factor: number };

export type FaultType = FaultSpec["type"];

/**
 * A fault in words. `reference` is the drill's time zero (virtual seconds), so that an end reads
 * in the same time base as the report, the picture and the faults file.
 */
export function describeFault(f: FaultSpec, reference = 0): string {
  const span = f.until === undefined ? "" : ` until ${fmtSeconds(f.until - reference)} s`;
  switch (f.type) {
    case "region-outage":
      return `${f.region} down${span}`;
    case "isolation":
      return `${f.region} isolated from peers and the Internet${span}`;
    case "partition":
      return `partition ${f.regions[0]} | ${f.regions[1]}${span}`;
    case "brownout":
      return `${f.region} brownout: ${pct(f.failRate)} of calls fail, ${pct(f.hangRate)} hang${span}`;
    case "throttling":
      return `${f.region} throttles ${pct(f.rate)} of calls${span}`;
    case "internal-failure":
      return `${f.region} InternalFailure on ${pct(f.rate)} of calls${span}`;
    case "slow":
      return `${f.region} ${f.factor.toFixed(1)}x slower${span}`;
  }
}

function fmtSeconds(t: number): string {
  return String(Math.round(t * 10) / 10);
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * Schedules the faults on the simulation. API degradations in one region compose: each
 * start or end recomputes that region's profile from every fault active at that moment.
 */
export function scheduleFaults(sim: Simulation, faults: readonly FaultSpec[]): void {
  const k = sim.kernel;
  const w = sim.world;
  const active = new Set<FaultSpec>();
  const recomputeApi = (region: string) => {
    const api = { ...HEALTHY_API };
    for (const f of active) {
      if (!("region" in f) || f.region !== region) continue;
      if (f.type === "brownout") {
        api.failRate = Math.min(1, api.failRate + f.failRate);
        api.hangRate = Math.min(1, api.hangRate + f.hangRate);
      } else if (f.type === "throttling") api.throttleRate = Math.min(1, api.throttleRate + f.rate);
      else if (f.type === "internal-failure") api.failRate = Math.min(1, api.failRate + f.rate);
      else if (f.type === "slow") api.slowFactor *= f.factor;
    }
    w.setApi(region, api);
  };
  const apply = (f: FaultSpec, on: boolean) => {
    if (on) active.add(f);
    else active.delete(f);
    switch (f.type) {
      case "region-outage":
        w.setDown(f.region, on ? true : anyActive(active, "region-outage", f.region));
        break;
      case "isolation":
        w.setIsolated(f.region, on ? true : anyActive(active, "isolation", f.region));
        break;
      case "partition": {
        const still = [...active].some(
          (g) => g.type === "partition" && samePair(g.regions, f.regions),
        );
        w.setCut(f.regions[0], f.regions[1], on || still);
        break;
      }
      default:
        recomputeApi(f.region);
    }
  };
  for (const f of faults) {
    if (!faultRegions(f).every((r) => w.has(r))) {
      throw new Error(`fault '${describeFault(f)}' names a region the manifests do not have`);
    }
    k.at(f.at, () => apply(f, true));
    if (f.until !== undefined) k.at(f.until, () => apply(f, false));
  }
}

export function faultRegions(f: FaultSpec): string[] {
  return f.type === "partition" ? [...f.regions] : [f.region];
}

function anyActive(active: Set<FaultSpec>, type: FaultType, region: string): boolean {
  return [...active].some((g) => g.type === type && "region" in g && g.region === region);
}

function samePair(a: [string, string], b: [string, string]): boolean {
  return (a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]);
}

/** Where `--random-faults` and the property tests put random faults (seconds from the scenario start). */
export const RANDOM_FAULTS = { window: 300, maxDuration: 240 } as const;

/**
 * A random fault schedule: `count` faults of any type in any region, starting within
 * [from, from + window) and healing within `maxDuration` of their start, so that every run
 * can converge once the faults are gone.
 */
export function randomFaults(
  rng: Rng,
  regions: string[],
  options: { count: number; from: number; window: number; maxDuration: number },
): FaultSpec[] {
  const out: FaultSpec[] = [];
  const types: FaultType[] = [
    "region-outage",
    "isolation",
    "partition",
    "brownout",
    "throttling",
    "internal-failure",
    "slow",
  ];
  for (let i = 0; i < options.count; i++) {
    const type = rng.pick(types);
    const at = round(options.from + rng.next() * options.window);
    const until = round(at + 5 + rng.next() * options.maxDuration);
    const region = rng.pick(regions);
    switch (type) {
      case "partition": {
        if (regions.length < 2) continue;
        const other = rng.pick(regions.filter((r) => r !== region));
        out.push({ type, regions: [region, other], at, until });
        break;
      }
      case "brownout":
        out.push({
          type,
          region,
          at,
          until,
          failRate: round(rng.next() * 0.5),
          hangRate: round(rng.next() * 0.2),
        });
        break;
      case "throttling":
      case "internal-failure":
        out.push({ type, region, at, until, rate: round(0.1 + rng.next() * 0.6) });
        break;
      case "slow":
        out.push({ type, region, at, until, factor: round(1.5 + rng.next() * 3) });
        break;
      default:
        out.push({ type, region, at, until });
    }
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
