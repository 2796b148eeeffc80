// Time and randomness the engine runs on, injected so that the simulator runs the same engine
// and runbooks in virtual time. The engine owns these: it imports nothing from the adapters.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Returns a number in [0, 1); used for retry jitter and endpoint rotation. */
export type RandomSource = () => number;

/** The wall clock, for real runs. The simulator passes a virtual clock instead. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export const systemRandom: RandomSource = () => Math.random();

/**
 * A manual clock for tests: time moves only when `advance` is called or, with `autoAdvance`,
 * whenever every pending sleeper is waiting (so retry and timeout tests take no real time).
 */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: { until: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(start = Date.parse("2026-11-22T03:00:00.000Z")) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      const sleeper = {
        until: this.time + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.scheduleAutoAdvance();
    });
  }

  /** Moves time forward, waking sleepers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.sleepers
        .filter((s) => s.until <= target)
        .sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.until);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.time = target;
  }

  private pendingAuto = false;

  /**
   * Once the event loop has nothing else to do (every in-flight promise is waiting on a
   * sleep), jump to the earliest sleeper. setImmediate runs after pending microtasks and I/O.
   */
  private scheduleAutoAdvance(): void {
    if (this.pendingAuto) return;
    this.pendingAuto = true;
    setImmediate(() => {
      this.pendingAuto = false;
      const next = [...this.sleepers].sort((a, b) => a.until - b.until)[0];
      if (!next) return;
      this.advance(next.until - this.time);
      if (this.sleepers.length > 0) this.scheduleAutoAdvance();
    });
  }
}

/** A seeded generator (mulberry32) so jitter is reproducible in tests and drills. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
