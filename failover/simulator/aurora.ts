import { AdapterError, AuroraGlobalClusterState } from "../adapters/types";
import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { replicationMesh, ReplicationStream } from "./replication";
import { Rng, sample } from "./rng";
import { World } from "./world";

/**
 * Aurora Global Database: one cluster per region, one primary. Storage replication carries
 * each committed write to every secondary after a lag. Switchover (planned) makes the source
 * read-only, drains, then swaps roles: RPO 0. Failover with AllowDataLoss promotes the target
 * with whatever it had: the writes still in flight are lost. An old primary that AWS cannot
 * reach keeps its role until it is reachable again, then rejoins as a secondary and its
 * unreplicated writes are discarded (AWS keeps them only in a snapshot).
 */

type ClusterRole = "primary" | "secondary" | "stale-primary";

interface AuroraCluster {
  region: string;
  arn: string;
  identifier: string;
  role: ClusterRole;
  /** Rejoining secondaries report `pending-resync` until they caught up. */
  sync: "connected" | "pending-resync";
  data: Set<string>;
}

/** A service operation as it happened, for the timeline and the critical-path bound. */
export interface ServiceOperation {
  store: string;
  kind: string;
  region: string;
  startedAt: number;
  endedAt?: number;
  /** The sampled service duration (excluding waits on replication or reachability). */
  serviceSeconds: number;
}

export class AuroraGlobal {
  status: "available" | "switching-over" | "failing-over" = "available";
  private failover: AuroraGlobalClusterState["failover"];
  private clusters = new Map<string, AuroraCluster>();
  private readonly streams: Map<string, ReplicationStream<string>>;
  /** Writes discarded when an old primary rejoined or a failover cut them off. */
  readonly discarded: string[] = [];
  readonly operations: ServiceOperation[] = [];
  private listeners: Array<() => void> = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams["aurora"],
    readonly globalClusterIdentifier: string,
    readonly engine: string,
    readonly engineVersion: string,
    members: { region: string; arn: string; identifier: string }[],
    primaryRegion: string,
  ) {
    for (const m of members) {
      this.clusters.set(m.region, {
        ...m,
        role: m.region === primaryRegion ? "primary" : "secondary",
        sync: "connected",
        data: new Set(),
      });
    }
    this.streams = replicationMesh<string>(
      kernel,
      world,
      rng,
      "aurora",
      members.map((m) => m.region),
      params.replicationLag,
      (to, from, key) => {
        const target = this.clusters.get(to)!;
        // Only the current primary's stream feeds a secondary.
        if (target.role === "secondary" && this.primaryRegion() === from) target.data.add(key);
      },
    );
    world.onChange(() => this.reconcileStalePrimaries());
  }

  /** Called whenever a role or the global status changes. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  primaryRegion(): string | undefined {
    for (const c of this.clusters.values()) if (c.role === "primary") return c.region;
    return undefined;
  }

  /** Whether the cluster in `region` accepts writes right now. */
  writable(region: string): boolean {
    const c = this.clusters.get(region);
    if (!c || !this.world.isUp(region)) return false;
    if (c.role === "stale-primary") return true;
    if (c.role !== "primary") return false;
    // A switchover makes the source read-only from its first moment.
    return !(this.status === "switching-over" && this.failover?.fromClusterArn === c.arn);
  }

  write(region: string, key: string): boolean {
    if (!this.writable(region)) return false;
    const c = this.clusters.get(region)!;
    c.data.add(key);
    if (c.role === "primary") {
      for (const other of this.clusters.values()) {
        if (other.region !== region) this.stream(region, other.region).push(key);
      }
    }
    return true;
  }

  has(region: string, key: string): boolean {
    return this.clusters.get(region)?.data.has(key) ?? false;
  }

  /** Replication lag into a secondary, seconds (AuroraGlobalDBReplicationLag). */
  lagSeconds(secondaryRegion: string): number | undefined {
    const primary = this.primaryRegion();
    if (!primary || primary === secondaryRegion) return undefined;
    return this.stream(primary, secondaryRegion).lagSeconds();
  }

  /** Seconds until the primary's writes so far reach `secondaryRegion`. */
  drainSeconds(secondaryRegion: string): number {
    const primary = this.primaryRegion();
    if (!primary || primary === secondaryRegion) return 0;
    return this.stream(primary, secondaryRegion).drainSeconds();
  }

  clusterIdOf(region: string): string | undefined {
    return this.clusters.get(region)?.identifier;
  }

  regionOfArn(arn: string): string | undefined {
    for (const c of this.clusters.values()) if (c.arn === arn) return c.region;
    return undefined;
  }

  describe(): AuroraGlobalClusterState {
    return {
      globalClusterIdentifier: this.globalClusterIdentifier,
      status: this.status,
      engine: this.engine,
      engineVersion: this.engineVersion,
      members: [...this.clusters.values()].map((c) => ({
        clusterArn: c.arn,
        region: c.region,
        isWriter: c.role === "primary",
        synchronizationStatus: c.role === "primary" ? undefined : c.sync,
      })),
      failover: this.failover ? { ...this.failover } : undefined,
    };
  }

  switchover(targetArn: string): void {
    const op = "SwitchoverGlobalCluster";
    const target = this.targetCluster(targetArn, op);
    const source = this.clusters.get(this.primaryRegion() ?? "")!;
    if (
      !source ||
      !this.world.linked(source.region, target.region) ||
      target.sync !== "connected"
    ) {
      throw new AdapterError(
        "invalid-state",
        "rds",
        op,
        target.region,
        `global cluster ${this.globalClusterIdentifier} is not healthy enough to switch over (source unreachable or target not synchronised)`,
        "InvalidGlobalClusterStateFault",
      );
    }
    this.status = "switching-over";
    this.failover = {
      status: "pending",
      fromClusterArn: source.arn,
      toClusterArn: target.arn,
      isDataLossAllowed: false,
    };
    this.notify();
    const serviceSeconds =
      sample(this.params.switchoverSeconds, this.rng) * this.world.apiOf(target.region).slowFactor;
    const opRecord: ServiceOperation = {
      store: "aurora",
      kind: "switchover",
      region: target.region,
      startedAt: this.kernel.now,
      serviceSeconds,
    };
    this.operations.push(opRecord);
    this.kernel.after(2, () => {
      if (this.failover) this.failover.status = "failing-over";
    });
    const stream = this.stream(source.region, target.region);
    const deadline = this.kernel.now + serviceSeconds;
    const startedAt = this.kernel.now;
    const check = () => {
      if (this.status !== "switching-over") return;
      const linked = this.world.linked(source.region, target.region);
      if (!linked && this.kernel.now - startedAt > serviceSeconds + 60) {
        // AWS rolls a switchover back when the clusters cannot finish it.
        this.failover = { ...this.failover!, status: "cancelling" };
        this.kernel.after(5, () => {
          this.status = "available";
          this.failover = undefined;
          opRecord.endedAt = this.kernel.now;
          this.notify();
        });
        return;
      }
      if (this.kernel.now >= deadline && linked && stream.pendingCount() === 0) {
        source.role = "secondary";
        target.role = "primary";
        this.status = "available";
        this.failover = undefined;
        opRecord.endedAt = this.kernel.now;
        this.notify();
        return;
      }
      this.kernel.after(Math.max(0.5, Math.min(1, deadline - this.kernel.now)), check);
    };
    this.kernel.at(deadline, check);
  }

  failoverTo(targetArn: string): void {
    const op = "FailoverGlobalCluster";
    const target = this.targetCluster(targetArn, op);
    const oldPrimary = [...this.clusters.values()].find((c) => c.role === "primary");
    this.status = "failing-over";
    this.failover = {
      status: "failing-over",
      fromClusterArn: oldPrimary?.arn,
      toClusterArn: target.arn,
      isDataLossAllowed: true,
    };
    // The target keeps what it has now; whatever is still in flight to it is lost.
    if (oldPrimary) {
      this.discarded.push(...this.stream(oldPrimary.region, target.region).discard());
      oldPrimary.role = "stale-primary";
    }
    this.notify();
    const serviceSeconds =
      sample(this.params.failoverSeconds, this.rng) * this.world.apiOf(target.region).slowFactor;
    const opRecord: ServiceOperation = {
      store: "aurora",
      kind: "failover",
      region: target.region,
      startedAt: this.kernel.now,
      serviceSeconds,
    };
    this.operations.push(opRecord);
    this.reconcileStalePrimaries();
    this.kernel.after(serviceSeconds, () => {
      target.role = "primary";
      target.sync = "connected";
      this.status = "available";
      this.failover = undefined;
      opRecord.endedAt = this.kernel.now;
      for (const c of this.clusters.values()) {
        if (c.role === "secondary" && c.region !== target.region) this.resync(c);
      }
      this.reconcileStalePrimaries();
      this.notify();
    });
  }

  private targetCluster(targetArn: string, op: string): AuroraCluster {
    const region = this.regionOfArn(targetArn);
    const target = region ? this.clusters.get(region) : undefined;
    if (!target) {
      throw new AdapterError(
        "not-found",
        "rds",
        op,
        undefined,
        `no member ${targetArn} in ${this.globalClusterIdentifier}`,
        "DBClusterNotFoundFault",
      );
    }
    if (this.status !== "available") {
      throw new AdapterError(
        "invalid-state",
        "rds",
        op,
        target.region,
        `global cluster ${this.globalClusterIdentifier} is ${this.status}`,
        "InvalidGlobalClusterStateFault",
      );
    }
    if (target.role !== "secondary") {
      throw new AdapterError(
        "invalid-state",
        "rds",
        op,
        target.region,
        `${targetArn} is not a secondary of ${this.globalClusterIdentifier}`,
        "InvalidDBClusterStateFault",
      );
    }
    return target;
  }

  /** An old primary AWS can reach again is demoted; its unreplicated writes are discarded. */
  private reconcileStalePrimaries(): void {
    const primary = this.primaryRegion();
    const anchor = primary ?? this.failoverTargetRegion();
    if (!anchor) return;
    for (const c of this.clusters.values()) {
      if (c.role !== "stale-primary" || !this.world.linked(c.region, anchor)) continue;
      c.role = "secondary";
      for (const s of this.streamsFrom(c.region)) this.discarded.push(...s.discard());
      this.resync(c);
      this.notify();
    }
  }

  private resync(c: AuroraCluster): void {
    c.sync = "pending-resync";
    const seconds = sample(this.params.rejoinSeconds, this.rng);
    this.kernel.after(seconds, () => {
      const primary = this.primaryRegion();
      if (c.role !== "secondary" || !primary) return;
      const source = this.clusters.get(primary)!;
      for (const key of c.data) if (!source.data.has(key)) this.discarded.push(key);
      c.data = new Set(source.data);
      c.sync = "connected";
    });
  }

  private failoverTargetRegion(): string | undefined {
    return this.failover?.toClusterArn ? this.regionOfArn(this.failover.toClusterArn) : undefined;
  }

  private streamsFrom(region: string): ReplicationStream<string>[] {
    return [...this.streams.values()].filter((s) => s.from === region);
  }

  private stream(from: string, to: string): ReplicationStream<string> {
    return this.streams.get(`${from}>${to}`)!;
  }
}
