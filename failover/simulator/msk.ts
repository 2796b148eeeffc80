import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { ReplicationStream } from "./replication";
import { Rng } from "./rng";
import { World } from "./world";

/**
 * MSK clusters with MSK Replicator in both directions: a record produced in one region's
 * cluster appears in the others after a lag (identical topic names; the replicator's headers
 * stop loops). Consumer-group offsets are synced periodically, so consumers that move to
 * another region resume from the last synced offset and reprocess what came after it.
 */
export interface MskReplicator {
  arn: string;
  name: string;
  /** The region the replicator runs in (it pulls into this region's cluster). */
  region: string;
  sourceRegion: string;
}

export class MskMesh {
  private logs = new Map<string, Set<string>>();
  private streams = new Map<string, ReplicationStream<string>>();
  /** Virtual time of the last consumer-offset sync, per target region. */
  readonly lastOffsetSync = new Map<string, number>();

  constructor(
    kernel: Kernel,
    private readonly world: World,
    rng: Rng,
    params: SimParams["msk"],
    readonly regions: string[],
    readonly replicators: MskReplicator[],
  ) {
    for (const r of regions) {
      this.logs.set(r, new Set());
      this.lastOffsetSync.set(r, 0);
    }
    for (const rep of replicators) {
      this.streams.set(
        `${rep.sourceRegion}>${rep.region}`,
        new ReplicationStream(
          kernel,
          world,
          rng.fork(`msk:${rep.arn}`),
          rep.sourceRegion,
          rep.region,
          params.replicationLag,
          (key) => this.logs.get(rep.region)!.add(key),
        ),
      );
    }
    kernel.every(params.offsetSyncSeconds, () => {
      for (const rep of replicators) {
        if (world.linked(rep.sourceRegion, rep.region))
          this.lastOffsetSync.set(rep.region, kernel.now);
      }
    });
  }

  produce(region: string, key: string): boolean {
    const log = this.logs.get(region);
    if (!log || !this.world.isUp(region)) return false;
    log.add(key);
    for (const [id, s] of this.streams) if (id.startsWith(`${region}>`)) s.push(key);
    return true;
  }

  has(region: string, key: string): boolean {
    return this.logs.get(region)?.has(key) ?? false;
  }

  replicator(arn: string): MskReplicator | undefined {
    return this.replicators.find((r) => r.arn === arn);
  }

  replicatorByName(name: string): MskReplicator | undefined {
    return this.replicators.find((r) => r.name === name);
  }

  /** Replication latency of a replicator, seconds. */
  lagSeconds(rep: MskReplicator): number {
    return this.streams.get(`${rep.sourceRegion}>${rep.region}`)!.lagSeconds();
  }

  /** Seconds until the records produced so far in `from` reach `to`. */
  drainSeconds(from: string, to: string): number {
    return this.streams.get(`${from}>${to}`)?.drainSeconds() ?? 0;
  }

  /** Records produced in `rep.sourceRegion` not yet in `rep.region` (MessageLag). */
  messageLag(rep: MskReplicator): number {
    return this.streams.get(`${rep.sourceRegion}>${rep.region}`)!.pendingCount();
  }
}
