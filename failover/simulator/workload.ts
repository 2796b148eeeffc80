// The pure decision only: the simulator needs no SDK client.
import { AdmissionDecision, decideAdmission } from "../../admission/decision";
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
 * The application admits a write exactly as services do: `decideAdmission` from the
 * write-admission library (admission/), the one implementation of the contract, fed from
 * what an instance in that region would read: its local replica of the control table (the
 * writer item must name the region, or be absent for the home region; its fence must not be
 * set), its Aurora cluster's writability, and, as "last heard" from each peer (the
 * heartbeats), when the two regions could last talk. An old writer cut off from the others
 * therefore stops within `leaseSeconds`, and a region promoted by a failover while cut off
 * writes only after the old writer has stopped. The single-writer monitor re-checks this
 * whenever an input changes.
 *
 * Not modelled: the library's decision cache (up to `cacheMs`, which delays a change by at
 * most that much) and its read latency; reads here are instantaneous.
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
    /** The region that writes while the control table has no writer item. */
    private readonly homeRegion: string = world.cells[0],
  ) {
    for (const region of world.cells) {
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
    return this.admission(region).admit;
  }

  /** The application's admission decision in `region` (the library's, on simulated inputs). */
  admission(region: string): AdmissionDecision {
    const ms = (seconds: number) => seconds * 1000;
    const writer = this.stores.control?.get(region, "writer");
    const fence = this.stores.control?.get(region, `fence#${region}`);
    return decideAdmission({
      region,
      homeRegion: this.homeRegion,
      writer: writer
        ? {
            // A malformed item names no region this one could be: refused, as the reader does.
            region: String(writer.value.region),
            epoch: typeof writer.value.epoch === "number" ? writer.value.epoch : undefined,
            // The item's write time in its origin region (what `updatedAt` records).
            writtenAtMs: ms(writer.ts),
          }
        : undefined,
      fence: fence ? { fenced: fence.value.fenced === true } : undefined,
      databaseWritable: this.stores.aurora ? this.stores.aurora.writable(region) : true,
      // Heartbeats travel with the control table's replication: heard while linked.
      peers: this.world.cells
        .filter((peer) => peer !== region)
        .map((peer) => ({ region: peer, lastHeardMs: ms(this.world.lastLinked(region, peer)) })),
      nowMs: ms(this.kernel.now),
      leaseSeconds: this.params.app.leaseSeconds,
    });
  }

  acceptingRegions(): string[] {
    return this.world.cells.filter((r) => this.accepting(r));
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
              answer: this.traffic.resolveWriter(),
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
