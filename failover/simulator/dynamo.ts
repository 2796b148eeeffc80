import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { replicationMesh, ReplicationStream } from "./replication";
import { Rng } from "./rng";
import { World } from "./world";

/**
 * A DynamoDB global table (multi-Region eventual consistency): every replica accepts writes;
 * each write reaches the other replicas after a lag; concurrent writes to one key resolve by
 * last writer wins on the write timestamp. The DR control table is one of these too, which is
 * why a fence written in one region reaches the others only as fast as replication does.
 */

export interface Item {
  value: Record<string, unknown>;
  /** Write time (virtual seconds); the last-writer-wins clock. */
  ts: number;
  origin: string;
}

interface Replicated {
  pk: string;
  item: Item;
}

export class GlobalTable {
  private replicas = new Map<string, Map<string, Item>>();
  private changeListeners: Array<() => void> = [];
  private putListeners: Array<
    (region: string, pk: string, value: Record<string, unknown>) => void
  > = [];
  private readonly streams: Map<string, ReplicationStream<Replicated>>;

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    rng: Rng,
    params: SimParams["dynamodb"],
    readonly tableName: string,
    readonly regions: string[],
  ) {
    for (const r of regions) this.replicas.set(r, new Map());
    this.streams = replicationMesh<Replicated>(
      kernel,
      world,
      rng,
      `ddb:${tableName}`,
      regions,
      params.replicationLag,
      (to, _from, r) => this.apply(to, r.pk, r.item),
    );
  }

  /** Deployed state: the item is in every replica already, as if replicated long ago. */
  seed(pk: string, value: Record<string, unknown>, origin: string): void {
    for (const replica of this.replicas.values())
      replica.set(pk, { value, ts: this.kernel.now, origin });
  }

  /** Reads the local replica (what an application in `region` sees). */
  get(region: string, pk: string): Item | undefined {
    return this.replicas.get(region)?.get(pk);
  }

  /** Every item of the replica in `region` (what a Scan there would read). */
  entries(region: string): [string, Item][] {
    return [...(this.replicas.get(region) ?? new Map<string, Item>())];
  }

  has(region: string, pk: string): boolean {
    return this.replicas.get(region)?.has(pk) ?? false;
  }

  /**
   * Writes in `region` if `condition` (evaluated on the local replica) holds. Returns false
   * when the region is down or the condition fails.
   */
  put(
    region: string,
    pk: string,
    value: Record<string, unknown>,
    condition: (current: Item | undefined) => boolean = () => true,
  ): boolean {
    const replica = this.replicas.get(region);
    if (!replica || !this.world.isUp(region)) return false;
    if (!condition(replica.get(pk))) return false;
    const item: Item = { value, ts: this.kernel.now, origin: region };
    replica.set(pk, item);
    for (const other of this.regions) {
      if (other !== region) this.streams.get(`${region}>${other}`)!.push({ pk, item });
    }
    for (const l of this.putListeners) l(region, pk, value);
    for (const l of this.changeListeners) l();
    return true;
  }

  /** Called on every change of any replica (local writes and replicated ones). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  onPut(listener: (region: string, pk: string, value: Record<string, unknown>) => void): void {
    this.putListeners.push(listener);
  }

  /** Seconds until every write made in `region` so far has reached `receivingRegion`. */
  drainSeconds(region: string, receivingRegion: string): number {
    return this.streams.get(`${region}>${receivingRegion}`)?.drainSeconds() ?? 0;
  }

  /** ReplicationLatency from `region` to `receivingRegion`, seconds. */
  lagSeconds(region: string, receivingRegion: string): number | undefined {
    return this.streams.get(`${region}>${receivingRegion}`)?.lagSeconds();
  }

  /** Items written in `region` not yet applied in `receivingRegion`. */
  pending(region: string, receivingRegion: string): number {
    return this.streams.get(`${region}>${receivingRegion}`)?.pendingCount() ?? 0;
  }

  private apply(region: string, pk: string, incoming: Item): void {
    const replica = this.replicas.get(region)!;
    const current = replica.get(pk);
    if (
      !current ||
      incoming.ts > current.ts ||
      (incoming.ts === current.ts && incoming.origin > current.origin)
    ) {
      replica.set(pk, incoming);
      for (const l of this.changeListeners) l();
    }
  }
}
