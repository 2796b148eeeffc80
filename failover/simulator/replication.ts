import { Kernel, EventHandle } from "./kernel";
import { Distribution, Rng, sample, typicalOf } from "./rng";
import { World } from "./world";

/** One replicated item in flight from a source replica to a target replica. */
export interface InFlight<T> {
  item: T;
  committedAt: number;
  deliverAt: number;
}

/**
 * Asynchronous one-way replication between two regions: items arrive after a sampled lag,
 * in order, and only while the link is up. A cut link holds its queue; when the link comes
 * back the queue resumes with fresh lags. This is the shape of Aurora storage replication,
 * DynamoDB global-table streams, MSK Replicator and ElastiCache global datastores alike.
 */
export class ReplicationStream<T> {
  private queue: InFlight<T>[] = [];
  private timer: EventHandle | undefined;
  /** When the last item was applied: an idle but severed link's lag grows from here. */
  private idleSince = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    readonly from: string,
    readonly to: string,
    private readonly lag: Distribution,
    private readonly deliver: (item: T, committedAt: number) => void,
  ) {
    world.onChange(() => this.pump());
  }

  push(item: T): void {
    const prev = this.queue.length > 0 ? this.queue[this.queue.length - 1].deliverAt : 0;
    const now = this.kernel.now;
    this.queue.push({ item, committedAt: now, deliverAt: Math.max(prev, now + this.nextLag()) });
    if (this.queue.length === 1) this.pump();
  }

  /**
   * The lag a metric would report: the age of the oldest write not yet applied, or on an idle
   * link the pipe's typical latency (the services measure it continuously, not per write).
   */
  lagSeconds(): number {
    if (this.queue.length === 0) {
      return this.world.linked(this.from, this.to)
        ? typicalOf(this.lag)
        : this.kernel.now - this.idleSince;
    }
    return this.kernel.now - this.queue[0].committedAt;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  /** Seconds until everything queued now has arrived, if the link stays up. */
  drainSeconds(): number {
    if (this.queue.length === 0) return 0;
    return Math.max(0, this.queue[this.queue.length - 1].deliverAt - this.kernel.now);
  }

  /** Drops everything in flight (the source's unreplicated writes are gone). */
  discard(): T[] {
    const lost = this.queue.map((q) => q.item);
    this.queue = [];
    this.timer?.cancel();
    this.timer = undefined;
    return lost;
  }

  private nextLag(): number {
    return sample(this.lag, this.rng) * this.world.apiOf(this.from).slowFactor;
  }

  private pump(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.queue.length === 0 || !this.world.linked(this.from, this.to)) return;
    const now = this.kernel.now;
    // Items whose lag ran out while the link was down arrive after a fresh lag, in order.
    let floor = now;
    for (const q of this.queue) {
      if (q.deliverAt >= floor) break;
      q.deliverAt = Math.max(floor, now + this.nextLag());
      floor = q.deliverAt;
    }
    this.timer = this.kernel.at(this.queue[0].deliverAt, () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.world.linked(this.from, this.to)) return;
    const now = this.kernel.now;
    while (this.queue.length > 0 && this.queue[0].deliverAt <= now) {
      const q = this.queue.shift()!;
      this.idleSince = now;
      this.deliver(q.item, q.committedAt);
    }
    this.pump();
  }
}

/**
 * A stream from every region to every other, keyed `<from>><to>`, as the global stores
 * replicate. Each stream draws its lags from its own fork of `rng`, labelled
 * `<label>:<from>><to>`, so adding a store leaves every other stream's draws unchanged.
 */
export function replicationMesh<T>(
  kernel: Kernel,
  world: World,
  rng: Rng,
  label: string,
  regions: readonly string[],
  lag: Distribution,
  deliver: (to: string, from: string, item: T, committedAt: number) => void,
): Map<string, ReplicationStream<T>> {
  const streams = new Map<string, ReplicationStream<T>>();
  for (const a of regions) {
    for (const b of regions) {
      if (a === b) continue;
      streams.set(
        `${a}>${b}`,
        new ReplicationStream<T>(
          kernel,
          world,
          rng.fork(`${label}:${a}>${b}`),
          a,
          b,
          lag,
          (item, at) => deliver(b, a, item, at),
        ),
      );
    }
  }
  return streams;
}
