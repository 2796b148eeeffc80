import { AuroraGlobal } from "./aurora";
import { CacheGlobalDatastore } from "./cache";
import { GlobalTable } from "./dynamo";
import { Kernel } from "./kernel";
import { MskMesh } from "./msk";
import { SimParams } from "./params";
import { Rng } from "./rng";
import { Traffic } from "./traffic";
import { World } from "./world";

/**
 * The application and its canaries. Each region runs canary clients that resolve the writer
 * name (caching the answer), send a sequence-numbered record to the region it got, and count
 * it as acknowledged only when that region's application wrote it to every store of record
 * (Aurora, each DynamoDB table, MSK; the cache is best effort).
 *
 * The application accepts writes only when, in its own region: its fence item in the control
 * table says unfenced (a local read), its Aurora cluster is writable, and its writer lease
 * holds: for every peer it has not heard from (control-table heartbeats) for `leaseSeconds`,
 * its local writer item must name this region and have been written after that peer's lease
 * ran out. An old writer cut off from the others therefore stops within `leaseSeconds`, and a
 * region promoted by a failover while cut off writes only after the old writer has stopped.
 * The single-writer monitor re-checks this whenever an input changes.
 */

export interface AckedWrite {
  key: string;
  region: string;
  at: number;
  cached: boolean;
}

export interface WriterViolation {
  at: number;
  regions: string[];
}

export class Workload {
  readonly acked: AckedWrite[] = [];
  readonly violations: WriterViolation[] = [];
  /** Every change of the set of regions accepting writes: [time, regions]. */
  readonly writerHistory: { at: number; regions: string[] }[] = [];
  attempts = 0;
  rejected = 0;
  private lastKey = "";
  private dirty = true;

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams,
    private readonly stores: {
      aurora?: AuroraGlobal;
      tables: GlobalTable[];
      control?: GlobalTable;
      msk?: MskMesh;
      cache?: CacheGlobalDatastore;
    },
    private readonly traffic: Traffic,
  ) {
    for (const region of world.regions) {
      for (let i = 0; i < params.workload.clientsPerRegion; i++) {
        this.startClient(region, `${region}/c${i}`);
      }
    }
    const markDirty = () => (this.dirty = true);
    world.onChange(() => {
      markDirty();
      // Leases run out with time alone: look again when they can have.
      kernel.after(params.app.leaseSeconds + 1e-6, markDirty);
    });
    stores.control?.onChange(markDirty);
    stores.aurora?.onChange(markDirty);
    kernel.onEvent(() => this.monitor());
    this.monitor();
  }

  /** Whether the application in `region` would accept a write right now. */
  accepting(region: string): boolean {
    if (!this.world.isUp(region)) return false;
    const fence = this.stores.control?.get(region, `fence#${region}`);
    if (fence && fence.value.fenced === true) return false;
    if (this.stores.aurora && !this.stores.aurora.writable(region)) return false;
    return this.leaseHolds(region);
  }

  private leaseHolds(region: string): boolean {
    const lease = this.params.app.leaseSeconds;
    const now = this.kernel.now;
    let writer: { region?: unknown; ts: number } | undefined;
    for (const peer of this.world.regions) {
      if (peer === region) continue;
      const heard = this.world.lastLinked(region, peer);
      if (now - heard < lease) continue;
      if (writer === undefined) {
        const item = this.stores.control?.get(region, "writer");
        writer = item ? { region: item.value.region, ts: item.ts } : { ts: -Infinity };
      }
      if (writer.region !== region || writer.ts < heard + lease) return false;
    }
    return true;
  }

  acceptingRegions(): string[] {
    return this.world.regions.filter((r) => this.accepting(r));
  }

  /** The first acknowledged write at or after `since` in a region other than `notIn`. */
  firstAckAfter(since: number, notIn?: string): AckedWrite | undefined {
    return this.acked.find((w) => w.at >= since && w.region !== notIn);
  }

  private monitor(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const regions = this.acceptingRegions();
    const key = regions.join(",");
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.writerHistory.push({ at: this.kernel.now, regions });
    if (regions.length > 1) this.violations.push({ at: this.kernel.now, regions });
  }

  private startClient(region: string, id: string): void {
    let seq = 0;
    let cache: { answer: string; expiresAt: number } | undefined;
    const period = this.params.workload.writeIntervalSeconds;
    this.kernel.every(
      period,
      () => {
        if (!this.world.isUp(region)) return;
        const now = this.kernel.now;
        if (!cache || now >= cache.expiresAt) {
          // Inside an isolated region resolvers cannot refresh: clients keep the stale answer.
          if (!this.world.isIsolated(region)) {
            cache = {
              answer: this.traffic.writerAnswer(),
              expiresAt: now + this.traffic.ttlSeconds() + this.traffic.clientExtraCache(),
            };
          }
        }
        if (!cache) return;
        this.attempts++;
        const target = cache.answer;
        const api = this.world.apiOf(target);
        if (
          !this.world.clientReaches(region, target) ||
          this.rng.chance(api.failRate + api.hangRate)
        ) {
          this.rejected++;
          return;
        }
        if (!this.accepting(target)) {
          this.rejected++;
          return;
        }
        const key = `${id}#${++seq}`;
        this.stores.aurora?.write(target, key);
        for (const t of this.stores.tables) t.put(target, key, { seq, client: id });
        this.stores.msk?.produce(target, key);
        const cached = this.stores.cache?.write(target, key) ?? false;
        this.acked.push({ key, region: target, at: now, cached });
      },
      this.rng.next() * period,
    );
  }
}
