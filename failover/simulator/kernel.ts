/**
 * The discrete-event core: a virtual clock and a priority queue of events. Nothing in a
 * simulated run reads the wall clock or uses real timers; time moves only when the kernel
 * pops the next event, so a 10-minute drill runs in milliseconds and replays exactly.
 *
 * Async code (the real failover engine) runs on top: `sleep` and simulated API calls return
 * promises that events resolve. `runUntil` lets the microtask queue drain before it advances
 * time, so every `await` chain reacts at the virtual instant it was woken, in a fixed order.
 */

export interface EventHandle {
  cancel(): void;
}

class QueuedEvent implements EventHandle {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fire: () => void,
    /** True when firing may resolve a promise, so microtasks must drain before time moves. */
    readonly wakes: boolean,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

export class Kernel {
  /** Virtual time in seconds since the start of the run. */
  now = 0;
  /** Events fired so far (a measure of simulator work). */
  fired = 0;
  private heap: QueuedEvent[] = [];
  private seq = 0;
  private listeners: Array<() => void> = [];

  /** Runs `fire` at virtual time `at` (never earlier than now). */
  at(at: number, fire: () => void, wakes = false): EventHandle {
    const ev = new QueuedEvent(Math.max(at, this.now), this.seq++, fire, wakes);
    this.push(ev);
    return ev;
  }

  after(delaySeconds: number, fire: () => void, wakes = false): EventHandle {
    return this.at(this.now + Math.max(0, delaySeconds), fire, wakes);
  }

  /** Runs `fire` every `periodSeconds`, starting after `firstDelay`, until cancelled. */
  every(periodSeconds: number, fire: () => void, firstDelay = periodSeconds): EventHandle {
    let cancelled = false;
    let handle: EventHandle | undefined;
    const tick = () => {
      if (cancelled) return;
      fire();
      handle = this.after(periodSeconds, tick);
    };
    handle = this.after(firstDelay, tick);
    return {
      cancel: () => {
        cancelled = true;
        handle?.cancel();
      },
    };
  }

  /** A promise that resolves at now + seconds of virtual time. */
  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => this.after(seconds, resolve, true));
  }

  /** Called after every fired event (the invariant monitors hook in here). */
  onEvent(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Fires every event due at or before `until`; for synchronous models only. */
  advanceTo(until: number): void {
    while (this.heap.length > 0 && this.heap[0].at <= until) this.step();
    this.now = Math.max(this.now, until);
  }

  /**
   * Drives virtual time until `done()` holds or time reaches `until`. Between events that may
   * wake async code, yields to the host event loop (setImmediate) so all pending microtasks
   * (await continuations) run first. Throws if async code waits on something outside the
   * simulator (the queue is empty but `done()` is false), which would break determinism.
   */
  async runUntil(done: () => boolean, until = Infinity): Promise<void> {
    await drainMicrotasks();
    while (!done()) {
      const next = this.peek();
      if (next === undefined) {
        await drainMicrotasks();
        if (done()) return;
        if (this.peek() === undefined) {
          throw new Error(
            "simulation stalled: async code is waiting on something the simulator does not drive (real I/O or timers)",
          );
        }
        continue;
      }
      if (next.at > until) {
        this.now = until;
        return;
      }
      const wakes = this.step();
      if (wakes) await drainMicrotasks();
    }
  }

  private peek(): QueuedEvent | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  private step(): boolean {
    const ev = this.pop();
    if (ev.cancelled) return false;
    this.now = ev.at;
    this.fired++;
    ev.fire();
    for (const l of this.listeners) l();
    return ev.wakes;
  }

  private push(ev: QueuedEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): QueuedEvent {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Resolves after every microtask queued so far (and those they queue) has run. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
