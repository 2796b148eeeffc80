import { AdapterError, CacheGlobalDatastoreState } from "../adapters/types";
import { ServiceOperation } from "./aurora";
import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { replicationMesh, ReplicationStream } from "./replication";
import { Rng, sample } from "./rng";
import { World } from "./world";

/**
 * An ElastiCache global datastore: one primary replication group that takes writes, read-only
 * secondaries fed by asynchronous replication. FailoverGlobalReplicationGroup promotes a
 * secondary; with the old primary reachable it drains first (no loss), without it the writes
 * still in flight are lost and the old primary rejoins as a secondary when it returns.
 */
interface CacheMember {
  region: string;
  replicationGroupId: string;
  role: "primary" | "secondary";
  data: Set<string>;
}

export class CacheGlobalDatastore {
  status: "available" | "modifying" = "available";
  private members = new Map<string, CacheMember>();
  private readonly streams: Map<string, ReplicationStream<string>>;
  readonly discarded: string[] = [];
  readonly operations: ServiceOperation[] = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams["cache"],
    readonly globalReplicationGroupId: string,
    members: { region: string; replicationGroupId: string }[],
    primaryRegion: string,
  ) {
    for (const m of members) {
      this.members.set(m.region, {
        ...m,
        role: m.region === primaryRegion ? "primary" : "secondary",
        data: new Set(),
      });
    }
    this.streams = replicationMesh<string>(
      kernel,
      world,
      rng,
      "cache",
      members.map((m) => m.region),
      params.replicationLag,
      (to, from, key) => {
        const target = this.members.get(to)!;
        if (target.role === "secondary" && this.primaryRegion() === from) target.data.add(key);
      },
    );
  }

  primaryRegion(): string | undefined {
    for (const m of this.members.values()) if (m.role === "primary") return m.region;
    return undefined;
  }

  writable(region: string): boolean {
    const m = this.members.get(region);
    return !!m && m.role === "primary" && this.status === "available" && this.world.isUp(region);
  }

  write(region: string, key: string): boolean {
    if (!this.writable(region)) return false;
    this.members.get(region)!.data.add(key);
    for (const other of this.members.keys()) {
      if (other !== region) this.streams.get(`${region}>${other}`)!.push(key);
    }
    return true;
  }

  has(region: string, key: string): boolean {
    return this.members.get(region)?.data.has(key) ?? false;
  }

  describe(): CacheGlobalDatastoreState {
    return {
      globalReplicationGroupId: this.globalReplicationGroupId,
      status: this.status,
      members: [...this.members.values()].map((m) => ({
        replicationGroupId: m.replicationGroupId,
        region: m.region,
        role: m.role,
        status: this.world.isUp(m.region) ? "associated" : "unavailable",
      })),
    };
  }

  failover(primaryRegion: string, replicationGroupId: string): void {
    const op = "FailoverGlobalReplicationGroup";
    const target = this.members.get(primaryRegion);
    if (!target || target.replicationGroupId !== replicationGroupId) {
      throw new AdapterError(
        "not-found",
        "elasticache",
        op,
        primaryRegion,
        `${replicationGroupId} is not a member of ${this.globalReplicationGroupId}`,
        "ReplicationGroupNotFoundFault",
      );
    }
    if (this.status !== "available") {
      throw new AdapterError(
        "invalid-state",
        "elasticache",
        op,
        primaryRegion,
        `global datastore ${this.globalReplicationGroupId} is ${this.status}`,
        "InvalidGlobalReplicationGroupStateFault",
      );
    }
    if (target.role === "primary") {
      throw new AdapterError(
        "invalid-state",
        "elasticache",
        op,
        primaryRegion,
        `${replicationGroupId} is already the primary`,
        "InvalidParameterValueException",
      );
    }
    const old = this.members.get(this.primaryRegion()!)!;
    this.status = "modifying";
    const serviceSeconds =
      sample(this.params.failoverSeconds, this.rng) * this.world.apiOf(primaryRegion).slowFactor;
    const opRecord: ServiceOperation = {
      store: "elasticache",
      kind: "failover",
      region: primaryRegion,
      startedAt: this.kernel.now,
      serviceSeconds,
    };
    this.operations.push(opRecord);
    const stream = this.streams.get(`${old.region}>${target.region}`)!;
    const deadline = this.kernel.now + serviceSeconds;
    const finish = () => {
      // With the old primary reachable, promotion waits for the drain; without it, in-flight
      // writes are gone.
      if (this.world.linked(old.region, target.region) && stream.pendingCount() > 0) {
        this.kernel.after(0.5, finish);
        return;
      }
      this.discarded.push(...stream.discard());
      old.role = "secondary";
      target.role = "primary";
      this.status = "available";
      opRecord.endedAt = this.kernel.now;
      // The demoted side resyncs from the new primary when it can.
      const resync = () => {
        if (!this.world.linked(old.region, target.region)) {
          this.kernel.after(5, resync);
          return;
        }
        for (const key of old.data) if (!target.data.has(key)) this.discarded.push(key);
        old.data = new Set(target.data);
      };
      resync();
    };
    this.kernel.at(deadline, finish);
  }
}
