/**
 * Seeded randomness for the simulator. Every random choice in a run comes from one of these,
 * so the same seed replays the same run to the event. `fork(label)` gives an independent
 * stream per concern (faults, replication, jitter) so adding a draw in one model does not
 * shift the draws of the others.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed >>> 0, 0x9e3779b9);
  }

  /** Uniform in [0, 1): mulberry32, small and fast; statistical quality is ample here. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An independent stream, a pure function of this stream's seed and `label`. */
  fork(label: string): Rng {
    let h = this.state;
    for (let i = 0; i < label.length; i++) h = hash32(h, label.charCodeAt(i));
    return new Rng(h);
  }
}

function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ b, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A duration or lag, in seconds. Figures come from DESIGN.md section 7; operators tune them
 * (e.g. a slower Aurora failover) to rehearse their own numbers.
 */
export type Distribution =
  | { kind: "constant"; value: number }
  | { kind: "uniform"; min: number; max: number }
  /** Log-normal by median and 99th percentile: right-skewed like real latencies. */
  | { kind: "lognormal"; median: number; p99: number; max?: number };

export function sample(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case "constant":
      return d.value;
    case "uniform":
      return d.min + (d.max - d.min) * rng.next();
    case "lognormal": {
      const sigma = Math.log(d.p99 / d.median) / 2.326;
      const v = d.median * Math.exp(sigma * rng.normal());
      return d.max === undefined ? v : Math.min(v, d.max);
    }
  }
}

/** A typical value (the median): what a lag metric reads on an idle, healthy link. */
export function typicalOf(d: Distribution): number {
  switch (d.kind) {
    case "constant":
      return d.value;
    case "uniform":
      return (d.min + d.max) / 2;
    case "lognormal":
      return d.median;
  }
}
