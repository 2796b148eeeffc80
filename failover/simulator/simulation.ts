import { DrManifest } from "../../manifest";
import {
  AdapterError,
  Adapters,
  AdapterOptions,
  ConditionalWriteResult,
  DynamoKeyValue,
  FenceRecord,
  MetricSample,
  RunClaim,
  ClaimResult,
  WriterRecord,
} from "../adapters/types";
import {
  CLAIM_PK,
  claimAllowed,
  controlWriteAllowed,
  fencePk,
  releaseAllowed,
  WRITER_PK,
} from "../adapters/control";
import { Clock, RandomSource } from "../engine/clock";
import { AuroraGlobal, ServiceOperation } from "./aurora";
import { CacheGlobalDatastore } from "./cache";
import { Consumers } from "./consumers";
import { GlobalTable } from "./dynamo";
import { EventHandle, Kernel } from "./kernel";
import { MskMesh, MskReplicator } from "./msk";
import { ParamOverrides, resolveParams, SimParams } from "./params";
import { Rng, sample } from "./rng";
import { Traffic } from "./traffic";
import { Workload } from "./workload";
import { World } from "./world";

/**
 * N regions built from N DR manifests, behind the same adapter interfaces the AWS
 * implementation has, so the real engine and runbooks run against it unchanged.
 *
 * Sessions stand for operator processes: `kill()` is a crash. A dead session's calls and
 * sleeps never return (the process is gone), though a call already in flight still takes
 * effect at AWS, which is exactly what a resumed run must cope with.
 */

export interface SimulationOptions {
  manifests: DrManifest[];
  seed: number;
  params?: ParamOverrides;
  /** Virtual time zero as epoch ms (what Clock.now() reports at the start). */
  epochMs?: number;
  /** The region Route 53's API (health-check status reads) is served from. */
  route53ApiRegion?: string;
  /** Regions of the ARC cluster's data-plane endpoints, when cells use routing controls. */
  arcEndpointRegions?: string[];
}

export interface CallRecord {
  at: number;
  session: number;
  service: string;
  operation: string;
  region: string;
  outcome: "ok" | "error";
  error?: string;
}

export interface Session {
  id: number;
  adapters: Adapters;
  clock: Clock;
  random: RandomSource;
  alive(): boolean;
  kill(): void;
}

export const DEFAULT_EPOCH_MS = Date.parse("2026-11-22T03:00:00.000Z");

export class Simulation {
  readonly kernel = new Kernel();
  readonly rng: Rng;
  readonly params: SimParams;
  readonly world: World;
  readonly manifests: DrManifest[];
  readonly homeRegion: string;
  readonly aurora?: AuroraGlobal;
  readonly tables: GlobalTable[];
  readonly control?: GlobalTable;
  readonly msk?: MskMesh;
  readonly cache?: CacheGlobalDatastore;
  readonly traffic: Traffic;
  readonly workload: Workload;
  /** Writer-only queue consumers (Lambda event source mappings) and their queues. */
  readonly consumers: Consumers;
  readonly calls: CallRecord[] = [];
  readonly epochMs: number;
  /**
   * When a region is fenced: how long until everything it wrote before (and the fence item)
   * has reached every peer. The drain a zero-overhead switchover would wait for.
   */
  drainSecondsAfterFence = 0;
  private sessions = 0;
  private readonly apiRng: Rng;
  private readonly route53Region: string;
  private readonly arcRegions: string[];

  constructor(options: SimulationOptions) {
    if (options.manifests.length === 0)
      throw new Error("the simulator needs at least one manifest");
    this.manifests = options.manifests;
    this.rng = new Rng(options.seed);
    this.params = resolveParams(options.params);
    this.epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
    const regions = options.manifests.map((m) => m.region);
    // Witness regions hold writer gates only; they fail and partition like any other region.
    const gateRegions = options.manifests.flatMap((m) =>
      m.traffic.switch.type === "cloudwatch-gate"
        ? m.traffic.switch.gates.map((g) => g.region)
        : [],
    );
    const worldRegions = [...new Set([...regions, ...gateRegions])];
    this.world = new World(this.kernel, this.rng.fork("world"), worldRegions, regions);
    this.apiRng = this.rng.fork("api");
    this.homeRegion = options.manifests[0].homeRegion;
    this.route53Region = options.route53ApiRegion ?? "us-east-1";
    this.arcRegions = options.arcEndpointRegions ?? [
      "us-east-1",
      "us-west-2",
      "eu-west-1",
      "ap-southeast-2",
      "ap-northeast-1",
    ];
    const k = this.kernel;
    const w = this.world;

    const withAurora = options.manifests.filter((m) => m.stores.aurora);
    if (withAurora.length > 0) {
      const a = withAurora[0].stores.aurora!;
      this.aurora = new AuroraGlobal(
        k,
        w,
        this.rng.fork("aurora"),
        this.params.aurora,
        a.globalClusterIdentifier,
        a.engine,
        a.engineVersion,
        withAurora.map((m) => ({
          region: m.region,
          arn: m.stores.aurora!.clusterArn,
          identifier: m.stores.aurora!.clusterIdentifier,
        })),
        this.homeRegion,
      );
    }
    this.tables = options.manifests[0].stores.dynamodb.map(
      (t) =>
        new GlobalTable(
          k,
          w,
          this.rng.fork(`ddb:${t.tableName}`),
          this.params.dynamodb,
          t.tableName,
          regions,
        ),
    );
    const ct = options.manifests[0].stores.controlTable;
    if (ct) {
      this.control = new GlobalTable(
        k,
        w,
        this.rng.fork("control"),
        this.params.dynamodb,
        ct.tableName,
        regions,
      );
      // The deployed state: the home region writes, nobody is fenced.
      this.control.seed("writer", { region: this.homeRegion, epoch: 0 }, this.homeRegion);
      this.control.onPut((region, pk, value) => {
        if (!pk.startsWith("fence#") || value.fenced !== true) return;
        const fenced = pk.slice("fence#".length);
        let drain = 0;
        for (const peer of regions) {
          if (peer === fenced) continue;
          drain = Math.max(
            drain,
            this.control!.drainSeconds(region, peer),
            this.aurora?.drainSeconds(peer) ?? 0,
          );
          for (const t of this.tables) drain = Math.max(drain, t.drainSeconds(fenced, peer));
          drain = Math.max(drain, this.msk?.drainSeconds(fenced, peer) ?? 0);
        }
        this.drainSecondsAfterFence = drain;
      });
    }
    // One replicator per peer in each cell: a full mesh once every cell has deployed.
    const replicators: MskReplicator[] = options.manifests.flatMap((m) =>
      m.stores.msk.replicators
        .filter((r) => regions.includes(r.sourceRegion))
        .map((r) => ({
          arn: r.replicatorArn,
          name: r.replicatorName,
          region: m.region,
          sourceRegion: r.sourceRegion,
        })),
    );
    this.msk = new MskMesh(k, w, this.rng.fork("msk"), this.params.msk, regions, replicators);
    const cacheIds = options.manifests.map((m) => m.stores.cache.globalReplicationGroupId);
    if (cacheIds[0]) {
      this.cache = new CacheGlobalDatastore(
        k,
        w,
        this.rng.fork("cache"),
        this.params.cache,
        cacheIds[0],
        options.manifests.map((m) => ({
          region: m.region,
          replicationGroupId: m.stores.cache.replicationGroupId,
        })),
        this.homeRegion,
      );
    }
    this.traffic = new Traffic(
      k,
      w,
      this.rng.fork("route53"),
      this.params.route53,
      options.manifests,
    );
    this.workload = new Workload(
      k,
      w,
      this.rng.fork("workload"),
      this.params,
      {
        aurora: this.aurora,
        tables: this.tables,
        control: this.control,
        msk: this.msk,
        cache: this.cache,
      },
      this.traffic,
      this.homeRegion,
    );
    this.consumers = new Consumers(
      k,
      w,
      this.rng.fork("consumers"),
      this.params.consumers,
      options.manifests,
      this.homeRegion,
      this.traffic,
      (region) => this.workload.accepting(region),
    );
  }

  /** Virtual seconds -> the epoch ms the engine's clock reports. */
  toEpochMs(seconds: number): number {
    return this.epochMs + seconds * 1000;
  }

  toSeconds(epochMs: number): number {
    return (epochMs - this.epochMs) / 1000;
  }

  serviceOperations(): ServiceOperation[] {
    return [...(this.aurora?.operations ?? []), ...(this.cache?.operations ?? [])];
  }

  /** A new operator process with its own clock, jitter and adapters. */
  newSession(_options: AdapterOptions = {}): Session {
    const id = ++this.sessions;
    let alive = true;
    const never = forever;
    const kernel = this.kernel;
    const clock: Clock = {
      now: () => this.toEpochMs(kernel.now),
      sleep: (ms, signal) =>
        alive ? new VirtualSleep(kernel, ms / 1000, signal, () => alive).promise : never(),
    };
    const jitter = this.rng.fork(`session:${id}`);
    const session: Session = {
      id,
      clock,
      random: () => jitter.next(),
      alive: () => alive,
      kill: () => {
        alive = false;
      },
      adapters: undefined as unknown as Adapters,
    };
    session.adapters = this.buildAdapters(session, never);
    return session;
  }

  // ---------------------------------------------------------------------------------------------

  private async call<T>(
    session: Session,
    service: string,
    operation: string,
    region: string,
    mutates: boolean,
    fn: () => T,
  ): Promise<T> {
    if (!session.alive()) return forever<T>();
    const k = this.kernel;
    const record: CallRecord = {
      at: k.now,
      session: session.id,
      service,
      operation,
      region,
      outcome: "ok",
    };
    this.calls.push(record);
    const p = this.params.api;
    const known = this.world.has(region);
    if (known && !this.world.reachableFromOutside(region)) {
      return this.fail(
        session,
        record,
        p.connectTimeoutSeconds,
        "TimeoutError",
        `${service}.${region}.amazonaws.com did not answer (connect timeout)`,
      );
    }
    const api = known
      ? this.world.apiOf(region)
      : { failRate: 0, hangRate: 0, throttleRate: 0, slowFactor: 1 };
    const latency = sample(p.latency, this.apiRng) * api.slowFactor;
    const roll = this.apiRng.next();
    if (roll < api.throttleRate)
      return this.fail(session, record, latency, "ThrottlingException", "Rate exceeded");
    if (roll < api.throttleRate + api.hangRate) {
      return this.fail(
        session,
        record,
        p.hangSeconds,
        "TimeoutError",
        `${service} in ${region} did not answer within ${p.hangSeconds} s`,
      );
    }
    const failed = roll < api.throttleRate + api.hangRate + api.failRate;
    await k.sleep(latency);
    if (known && !this.world.reachableFromOutside(region)) {
      return this.fail(
        session,
        record,
        0,
        "TimeoutError",
        `${service} in ${region} dropped the connection`,
      );
    }
    // An InternalFailure on a mutating call sometimes hides a request that took effect.
    if (failed && !(mutates && this.apiRng.chance(0.5))) {
      return this.fail(
        session,
        record,
        0,
        "InternalFailure",
        "We encountered an internal error. Please try again.",
      );
    }
    let result: T;
    try {
      result = fn();
    } catch (e) {
      record.outcome = "error";
      record.error =
        (e as Error).name === "AdapterError"
          ? ((e as AdapterError).awsName ?? "AdapterError")
          : (e as Error).name;
      if (!session.alive()) return forever<T>();
      throw e;
    }
    if (!session.alive()) return forever<T>();
    if (failed)
      return this.fail(
        session,
        record,
        0,
        "InternalFailure",
        "We encountered an internal error. Please try again.",
      );
    return result;
  }

  private async fail<T>(
    session: Session,
    record: CallRecord,
    delay: number,
    name: string,
    message: string,
  ): Promise<T> {
    if (delay > 0) await this.kernel.sleep(delay);
    if (!session.alive()) return forever<T>();
    record.outcome = "error";
    record.error = name;
    throw new AdapterError(
      "transient",
      record.service,
      record.operation,
      record.region,
      message,
      name,
    );
  }

  private buildAdapters(session: Session, never: <T>() => Promise<T>): Adapters {
    void never;
    const call = <T>(service: string, op: string, region: string, mutates: boolean, fn: () => T) =>
      this.call(session, service, op, region, mutates, fn);
    const aurora = () => {
      if (!this.aurora)
        throw new AdapterError(
          "not-found",
          "rds",
          "DescribeGlobalClusters",
          undefined,
          "no Aurora global cluster in the manifests",
          "GlobalClusterNotFoundFault",
        );
      return this.aurora;
    };
    const checkGlobal = (op: string, region: string, id: string) => {
      const a = aurora();
      if (a.globalClusterIdentifier !== id) {
        throw new AdapterError(
          "not-found",
          "rds",
          op,
          region,
          `global cluster ${id} not found`,
          "GlobalClusterNotFoundFault",
        );
      }
      return a;
    };
    const table = (op: string, region: string, name: string) => {
      const t = [...this.tables, ...(this.control ? [this.control] : [])].find(
        (x) => x.tableName === name,
      );
      if (!t || !t.regions.includes(region)) {
        throw new AdapterError(
          "not-found",
          "dynamodb",
          op,
          region,
          `Requested resource not found: Table: ${name} not found`,
          "ResourceNotFoundException",
        );
      }
      return t;
    };
    const conditional = <R extends { epoch: number; runId?: string }>(
      op: string,
      region: string,
      tableName: string,
      pk: string,
      record: R,
    ): ConditionalWriteResult => {
      const t = table(op, region, tableName);
      const ok = t.put(region, pk, { ...record }, (cur) =>
        controlWriteAllowed(cur?.value as { epoch: number; runId?: string } | undefined, record),
      );
      if (ok) return { outcome: "written" };
      const cur = t.get(region, pk);
      return { outcome: "superseded", currentEpoch: cur ? Number(cur.value.epoch) : undefined };
    };

    const adapters: Adapters = {
      rds: {
        describeGlobalCluster: (region, id) =>
          call("rds", "DescribeGlobalClusters", region, false, () =>
            checkGlobal("DescribeGlobalClusters", region, id).describe(),
          ),
        switchoverGlobalCluster: (region, id, target) =>
          call("rds", "SwitchoverGlobalCluster", region, true, () =>
            checkGlobal("SwitchoverGlobalCluster", region, id).switchover(target),
          ),
        failoverGlobalCluster: (region, id, target) =>
          call("rds", "FailoverGlobalCluster", region, true, () =>
            checkGlobal("FailoverGlobalCluster", region, id).failoverTo(target),
          ),
      },
      cloudwatch: {
        latestMetric: (region, q) =>
          call("cloudwatch", "GetMetricData", region, false, () =>
            this.metric(region, q.namespace, q.metricName, q.dimensions),
          ),
        putMetric: (region, d) =>
          call("cloudwatch", "PutMetricData", region, true, () =>
            this.traffic.putMetric(region, d.namespace, d.metricName, d.dimensions, d.value),
          ),
        alarmStates: (region, names) =>
          call("cloudwatch", "DescribeAlarms", region, false, () =>
            this.traffic.alarmStates(region, names),
          ),
      },
      dynamodb: {
        describeTable: (region, name) =>
          call("dynamodb", "DescribeTable", region, false, () => {
            const t = table("DescribeTable", region, name);
            return {
              tableName: name,
              region,
              tableStatus: "ACTIVE",
              replicas: t.regions
                .filter((r) => r !== region)
                .map((r) => ({ region: r, status: "ACTIVE" })),
            };
          }),
        readControl: (region, name, regions) =>
          call("dynamodb", "BatchGetItem", region, false, () => {
            const t = table("BatchGetItem", region, name);
            const writer = t.get(region, "writer");
            const fences: FenceRecord[] = [];
            for (const r of regions) {
              const f = t.get(region, `fence#${r}`);
              if (f) fences.push(f.value as unknown as FenceRecord);
            }
            const claim = t.get(region, CLAIM_PK);
            return {
              writer: writer ? (writer.value as unknown as WriterRecord) : undefined,
              claim: claim ? (claim.value as unknown as RunClaim) : undefined,
              fences,
            };
          }),
        putWriter: (region, name, record) =>
          call("dynamodb", "PutItem", region, true, () =>
            conditional("PutItem", region, name, WRITER_PK, record),
          ),
        putFence: (region, name, record) =>
          call("dynamodb", "PutItem", region, true, () =>
            conditional("PutItem", region, name, fencePk(record.region), record),
          ),
        claimRun: (region, name, claim, options) =>
          call("dynamodb", "PutItem", region, true, (): ClaimResult => {
            const t = table("PutItem", region, name);
            const ok = t.put(region, CLAIM_PK, { ...claim }, (cur) =>
              claimAllowed(cur?.value as RunClaim | undefined, claim, options?.takeOver),
            );
            if (ok) return { outcome: "claimed" };
            return {
              outcome: "held",
              holder: t.get(region, CLAIM_PK)?.value as RunClaim | undefined,
            };
          }),
        putDrainMarker: (region, name, key, runId) =>
          call("dynamodb", "PutItem", region, true, () => {
            table("PutItem", region, name).put(region, keyString(key), { drMarker: runId });
          }),
        // The simulated services model heartbeats as link state, not as items.
        lastHeartbeat: (region, name) =>
          call("dynamodb", "GetItem", region, false, () => {
            table("GetItem", region, name);
            return undefined;
          }),
        hasItem: (region, name, key) =>
          call("dynamodb", "GetItem", region, false, () =>
            table("GetItem", region, name).has(region, keyString(key)),
          ),
        releaseRun: (region, name, claim) =>
          call("dynamodb", "PutItem", region, true, (): ConditionalWriteResult => {
            const t = table("PutItem", region, name);
            const ok = t.put(region, CLAIM_PK, { ...claim }, (cur) =>
              releaseAllowed(cur?.value as RunClaim | undefined, claim.runId, claim.epoch),
            );
            if (ok) return { outcome: "written" };
            const cur = t.get(region, CLAIM_PK);
            return {
              outcome: "superseded",
              currentEpoch: cur ? Number(cur.value.epoch) : undefined,
            };
          }),
      },
      kafka: {
        describeReplicator: (region, arn) =>
          call("kafka", "DescribeReplicator", region, false, () => {
            const rep = this.msk?.replicator(arn);
            if (!rep || rep.region !== region) {
              throw new AdapterError(
                "not-found",
                "kafka",
                "DescribeReplicator",
                region,
                `replicator ${arn} not found`,
                "NotFoundException",
              );
            }
            return {
              replicatorArn: rep.arn,
              replicatorName: rep.name,
              state: "RUNNING",
              sourceClusterArns: [this.mskClusterArn(rep.sourceRegion)],
              targetClusterArns: [this.mskClusterArn(rep.region)],
            };
          }),
      },
      elasticache: {
        describeGlobalDatastore: (region, id) =>
          call("elasticache", "DescribeGlobalReplicationGroups", region, false, () =>
            this.cacheById("DescribeGlobalReplicationGroups", region, id).describe(),
          ),
        failoverGlobalDatastore: (region, id, primaryRegion, rg) =>
          call("elasticache", "FailoverGlobalReplicationGroup", region, true, () =>
            this.cacheById("FailoverGlobalReplicationGroup", region, id).failover(
              primaryRegion,
              rg,
            ),
          ),
      },
      route53: {
        healthCheckStatus: (id) =>
          call("route53", "GetHealthCheckStatus", this.route53Region, false, () => {
            const s = this.traffic.healthCheckStatus(id);
            if (!s)
              throw new AdapterError(
                "not-found",
                "route53",
                "GetHealthCheckStatus",
                undefined,
                `health check ${id} not found`,
                "NoSuchHealthCheck",
              );
            return s;
          }),
      },
      arc: {
        getRoutingControlState: (arn, options) =>
          call(
            "route53-recovery-cluster",
            "GetRoutingControlState",
            this.arcRegion(options?.avoidRegions),
            false,
            () => {
              const s = this.traffic.routingControl(arn);
              if (!s)
                throw new AdapterError(
                  "not-found",
                  "route53-recovery-cluster",
                  "GetRoutingControlState",
                  undefined,
                  `routing control ${arn} not found`,
                  "ResourceNotFoundException",
                );
              return s;
            },
          ),
        updateRoutingControlStates: (updates, options) =>
          call(
            "route53-recovery-cluster",
            "UpdateRoutingControlStates",
            this.arcRegion(options?.avoidRegions),
            true,
            () => {
              for (const u of updates) {
                if (!this.traffic.setRoutingControl(u.routingControlArn, u.state)) {
                  throw new AdapterError(
                    "not-found",
                    "route53-recovery-cluster",
                    "UpdateRoutingControlStates",
                    undefined,
                    `routing control ${u.routingControlArn} not found`,
                    "ResourceNotFoundException",
                  );
                }
              }
            },
          ),
      },
      lambda: {
        getEventSourceMapping: (region, uuid) =>
          call("lambda", "GetEventSourceMapping", region, false, () =>
            this.consumers.describe(region, uuid),
          ),
        setEventSourceMappingEnabled: (region, uuid, enabled) =>
          call("lambda", "UpdateEventSourceMapping", region, true, () =>
            this.consumers.setEnabled(region, uuid, enabled),
          ),
      },
      sqs: {
        queueDepth: (region, queueUrl) =>
          call("sqs", "GetQueueAttributes", region, false, () =>
            this.consumers.depth(region, queueUrl),
          ),
      },
      sts: {
        callerIdentity: (region) =>
          call("sts", "GetCallerIdentity", region, false, () => ({
            account: this.manifests[0].stores.kms.keyArn.split(":")[4],
            arn: `arn:aws:sts::${this.manifests[0].stores.kms.keyArn.split(":")[4]}:assumed-role/dr-operator/drill`,
            userId: "AROASIMULATOR:drill",
          })),
      },
    };
    return adapters;
  }

  private metric(
    region: string,
    namespace: string,
    name: string,
    dims: Record<string, string>,
  ): MetricSample | undefined {
    const at = this.toEpochMs(this.kernel.now);
    const ms = (seconds: number | undefined) =>
      seconds === undefined ? undefined : { value: seconds * 1000, timestampMs: at };
    // Aurora PostgreSQL publishes the RPO lag as well; the simulator's lag is both.
    const auroraLag =
      name === "AuroraGlobalDBReplicationLag" ||
      (name === "AuroraGlobalDBRPOLag" && this.aurora?.engine === "aurora-postgresql");
    if (namespace === "AWS/RDS" && auroraLag && this.aurora) {
      const m = this.manifests.find(
        (x) => x.stores.aurora?.clusterIdentifier === dims.DBClusterIdentifier,
      );
      if (!m || m.region !== region) return undefined;
      return ms(this.aurora.lagSeconds(region));
    }
    if (namespace === "AWS/DynamoDB" && name === "ReplicationLatency") {
      const t = [...this.tables, ...(this.control ? [this.control] : [])].find(
        (x) => x.tableName === dims.TableName,
      );
      return ms(t?.lagSeconds(region, dims.ReceivingRegion));
    }
    if (namespace === "AWS/Kafka" && this.msk) {
      const rep = this.msk.replicatorByName(dims.ReplicatorName ?? "");
      if (!rep || rep.region !== region) return undefined;
      if (name === "MessageLag") return { value: this.msk.messageLag(rep), timestampMs: at };
      if (name === "ReplicationLatency") return ms(this.msk.lagSeconds(rep));
      return undefined;
    }
    const m = this.traffic.metric(region, namespace, name, dims);
    return m ? { value: m.value, timestampMs: this.toEpochMs(m.at) } : undefined;
  }

  private mskClusterArn(region: string): string {
    return this.manifests.find((m) => m.region === region)!.stores.msk.clusterArn;
  }

  private cacheById(op: string, region: string, id: string): CacheGlobalDatastore {
    if (!this.cache || this.cache.globalReplicationGroupId !== id) {
      throw new AdapterError(
        "not-found",
        "elasticache",
        op,
        region,
        `global datastore ${id} not found`,
        "GlobalReplicationGroupNotFoundFault",
      );
    }
    return this.cache;
  }

  private arcRegion(avoid: string[] = []): string {
    const usable = this.arcRegions.filter(
      (r) => !avoid.includes(r) && (!this.world.has(r) || this.world.reachableFromOutside(r)),
    );
    return usable[0] ?? this.arcRegions[0];
  }
}

/** A table key as the simulator's tables (and the emulator) hold it: the partition key's value. */
function keyString(key: Record<string, DynamoKeyValue>): string {
  const first = Object.values(key)[0];
  if (!first) return "";
  if ("S" in first) return first.S;
  if ("N" in first) return first.N;
  return Buffer.from(first.B).toString("base64");
}

/** A promise that never settles: what a dead process's pending calls amount to. */
function forever<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** One `Clock.sleep` in virtual time, abortable like the engine's wall-clock sleep. */
class VirtualSleep {
  readonly promise: Promise<void>;
  private resolve!: () => void;
  private reject!: (reason: unknown) => void;
  private handle: EventHandle | undefined;
  private readonly onAbort = this.abort.bind(this);

  constructor(
    kernel: Kernel,
    seconds: number,
    private readonly signal: AbortSignal | undefined,
    private readonly alive: () => boolean,
  ) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal?.aborted) {
      this.reject(signal.reason);
      return;
    }
    this.handle = kernel.after(seconds, this.wake.bind(this), true);
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  private wake(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
    if (this.alive()) this.resolve();
  }

  private abort(): void {
    this.handle?.cancel();
    this.reject(this.signal?.reason);
  }
}
