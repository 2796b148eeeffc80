import { EventHandle, Kernel } from "./kernel";

/**
 * Drives a simulation's kernel in real time: virtual seconds are wall seconds since `start()`.
 * The discrete-event kernel never reads the wall clock itself; this driver wakes every
 * `tickMs`, fires every event due by now and lets the promises those events resolve run
 * (through `Kernel.runUntil`, which drains microtasks between waking events), so simulated API
 * calls and sleeps made by a live process (the loopback emulator) complete on time.
 */
export class RealTimeDriver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private guard: EventHandle | undefined;
  private startedAt = 0;
  /** Called before every tick, at the wall time the tick advances the kernel to. */
  private readonly beforeTick: Array<(seconds: number) => void> = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly tickMs = 10,
    private readonly wallMs: () => number = () => performance.now(),
    private readonly onError: (error: unknown) => void = (e) =>
      process.stderr.write(`simulator tick failed: ${String(e)}\n`),
  ) {}

  start(): void {
    if (this.timer) return;
    this.startedAt = this.wallMs() - this.kernel.now * 1000;
    // runUntil throws when its queue runs dry (a deterministic run must never wait on the
    // outside world); here waiting for the wall clock is the point, so an event that never
    // fires keeps the queue non-empty and runUntil stops at each tick's target instead.
    this.guard = this.kernel.at(Infinity, () => undefined);
    this.timer = setInterval(() => void this.tick(), this.tickMs);
  }

  /** Wall seconds since start: the virtual time the kernel is being driven to. */
  seconds(): number {
    return (this.wallMs() - this.startedAt) / 1000;
  }

  onTick(listener: (seconds: number) => void): void {
    this.beforeTick.push(listener);
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.guard?.cancel();
    this.guard = undefined;
  }

  /** Advances the kernel to the wall clock now. */
  tick(): Promise<void> {
    if (!this.timer) return Promise.resolve();
    // A slow tick must not overlap the next one: the kernel is single-threaded by design.
    if (this.running) return this.running;
    this.running = this.advance().finally(() => (this.running = undefined));
    return this.running;
  }

  private async advance(): Promise<void> {
    const target = this.seconds();
    try {
      for (const l of this.beforeTick) l(target);
      await this.kernel.runUntil(() => false, target);
    } catch (e) {
      this.onError(e);
    }
  }
}
