import { DrManifest } from "../../manifest";
import {
  AdapterError,
  Adapters,
  AlarmState,
  AuroraGlobalClusterState,
  ClaimResult,
  ConditionalWriteResult,
  EventSourceMappingState,
  FenceRecord,
  QueueDepth,
  Region,
  RoutingControlState,
  RunClaim,
  WriterRecord,
} from "../adapters/types";
import { CLAIM_PK, claimAllowed, controlWriteAllowed, releaseAllowed } from "../adapters/control";
import { toAdapterError } from "../adapters/aws/errors";
import { writerOnlyConsumers } from "../runbooks/steps/consumers";

/*
 * A small, instant, in-memory AWS for the engine, runbook and CLI tests: enough behaviour to
 * drive every step (Aurora/ElastiCache promotions that take a few polls, conditional control
 * table writes, writer gates that Route 53 reads). It records every call. The region
 * simulator (failover/simulator) is the realistic, timed one; this one is for exact asserts.
 */

export interface FakeCall {
  service: string;
  op: string;
  region?: Region;
  mutates: boolean;
  /** The control-table item a PutItem wrote (`run` is the run claim). */
  key?: string;
}

const MUTATING = new Set([
  "SwitchoverGlobalCluster",
  "FailoverGlobalCluster",
  "PutMetricData",
  "PutItem",
  "FailoverGlobalReplicationGroup",
  "UpdateRoutingControlStates",
  "UpdateEventSourceMapping",
]);

export class FakeAws {
  readonly calls: FakeCall[] = [];
  /** Regions whose endpoints time out. */
  readonly dead = new Set<Region>();
  /** Per operation: errors (by AWS name) to throw on the next calls. */
  readonly faults = new Map<string, string[]>();
  /** Extra delay, per operation, before it answers (uses the injected sleep). */
  account = "123456789012";
  metrics: Record<string, number | undefined> = {
    AuroraGlobalDBReplicationLag: 40,
    ReplicationLatency: 300,
    MessageLag: 0,
  };
  /** DescribeReplicator state (and reason) per replicator name; RUNNING when not set. */
  readonly replicatorStates = new Map<string, { state: string; reason?: string }>();
  /** MessageLag per replicator name (CloudWatch's ReplicatorName); `metrics.MessageLag` when not set. */
  readonly messageLag = new Map<string, number | undefined>();
  /** Describe calls a promotion takes before it completes. */
  promotionPolls = 2;

  auroraWriter: Region;
  private auroraPending?: { to: Region; polls: number; dataLoss: boolean };
  cachePrimary: Region;
  private cachePending?: { to: Region; polls: number };
  /** pk -> item, one map per region; writes replicate to live regions at once. */
  readonly control = new Map<Region, Map<string, WriterRecord | FenceRecord | RunClaim>>();
  /** `heartbeat#<source>` as each region's replica holds it (epoch ms); none by default. */
  readonly heartbeats = new Map<Region, number>();
  /** Drain markers written into data tables, `${region}|${table}|${key}`. */
  readonly markers = new Set<string>();
  /** gate metric value per `${cell}@${region}`. */
  readonly gates = new Map<string, number>();
  readonly arc = new Map<string, RoutingControlState>();
  /** Counts of accepted (non-repeated) promotions, to prove no double promotion. */
  promotions = { aurora: 0, cache: 0 };
  /** Writer-only event source mappings by UUID (enabled in the writer's region at the start). */
  readonly mappings = new Map<
    string,
    { region: Region; state: string; sourceArn: string; functionArn: string; polls?: number }
  >();
  /** GetQueueAttributes per region (every queue there); empty when not set. */
  readonly queueDepths = new Map<Region, QueueDepth>();
  /** Set whenever two regions would accept writes at once (must stay empty). */
  readonly twoWriterMoments: string[] = [];

  constructor(
    readonly manifests: DrManifest[],
    writer?: Region,
  ) {
    this.auroraWriter = writer ?? manifests[0].homeRegion;
    this.cachePrimary = this.auroraWriter;
    for (const m of manifests) this.control.set(m.region, new Map());
    for (const m of manifests) {
      if (m.traffic.switch.type === "cloudwatch-gate") {
        for (const g of m.traffic.switch.gates) {
          // Open in every gate region for the writer, closed everywhere for the others.
          this.gates.set(`${m.cell}@${g.region}`, m.region === this.auroraWriter ? 1 : 0);
        }
      } else {
        this.arc.set(
          m.traffic.switch.routingControlArn,
          m.region === this.auroraWriter ? "On" : "Off",
        );
      }
    }
    for (const m of manifests) {
      for (const x of writerOnlyConsumers(m)) {
        this.mappings.set(x.eventSourceMappingUuid, {
          region: m.region,
          state: m.region === this.auroraWriter ? "Enabled" : "Disabled",
          sourceArn: x.sourceArn,
          functionArn: x.functionArn,
        });
      }
    }
    // Steady state the runbooks establish: the writer recorded, the others fenced.
    for (const m of manifests) {
      const items = this.control.get(m.region)!;
      items.set("writer", { region: this.auroraWriter, epoch: 1 });
      for (const o of manifests) {
        items.set(`fence#${o.region}`, {
          region: o.region,
          fenced: o.region !== this.auroraWriter,
          epoch: 1,
        });
      }
    }
  }

  /** A mapping as GetEventSourceMapping reports it; a read moves a pending switch on. */
  private mapping(region: Region, uuid: string, read: boolean): EventSourceMappingState {
    const m = this.mappings.get(uuid);
    if (!m || m.region !== region) {
      throw new AdapterError(
        "not-found",
        "Lambda",
        "GetEventSourceMapping",
        region,
        `mapping ${uuid} not found`,
        "ResourceNotFoundException",
      );
    }
    if (read && m.polls !== undefined && --m.polls < 0) {
      m.state = m.state === "Enabling" ? "Enabled" : "Disabled";
      m.polls = undefined;
    }
    return { uuid, state: m.state, functionArn: m.functionArn, eventSourceArn: m.sourceArn };
  }

  private cellOf(region: Region): DrManifest {
    return this.manifests.find((m) => m.region === region)!;
  }

  /** State-changing calls, without the run claim's own bookkeeping (`key: "run"`). */
  stateChanges(): FakeCall[] {
    return this.calls.filter((c) => c.mutates && c.key !== CLAIM_PK);
  }

  private enter(service: string, op: string, region: Region | undefined, key?: string): void {
    this.calls.push({ service, op, region, mutates: MUTATING.has(op), ...(key ? { key } : {}) });
    if (region && this.dead.has(region)) {
      throw new AdapterError(
        "transient",
        service,
        op,
        region,
        `${region} did not answer`,
        "TimeoutError",
      );
    }
    const queue = this.faults.get(op);
    if (queue && queue.length > 0) {
      const name = queue.shift()!;
      const e = new Error(`injected ${name}`);
      e.name = name;
      // Classified as the real adapters classify every SDK error (the engine reads only `kind`).
      throw toAdapterError(service, op, region, e);
    }
  }

  /** Per operation: transient errors thrown AFTER the call took effect (a lost response). */
  readonly lostResponses = new Map<string, number>();

  /** The call took effect but its response is lost (the client sees a timeout). */
  loseResponse(op: string, count = 1): void {
    this.lostResponses.set(op, (this.lostResponses.get(op) ?? 0) + count);
  }

  private leave(service: string, op: string, region: Region | undefined): void {
    const n = this.lostResponses.get(op) ?? 0;
    if (n > 0) {
      this.lostResponses.set(op, n - 1);
      throw new AdapterError("transient", service, op, region, "response lost", "TimeoutError");
    }
  }

  /** Inject `count` failures of `op` with the AWS error `name`. */
  fail(op: string, name: string, count = 1): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...Array<string>(count).fill(name)]);
  }

  /** A writer or fence write, decided by the control table's protocol. */
  private conditionalControlWrite(
    region: Region,
    pk: string,
    record: WriterRecord | FenceRecord,
  ): ConditionalWriteResult {
    this.enter("DynamoDB", "PutItem", region, pk);
    const cur = this.control.get(region)!.get(pk) as WriterRecord | FenceRecord | undefined;
    if (!controlWriteAllowed(cur, record))
      return { outcome: "superseded", currentEpoch: cur?.epoch };
    this.writeControl(pk, record);
    this.leave("DynamoDB", "PutItem", region);
    return { outcome: "written" };
  }

  private writeControl(pk: string, item: WriterRecord | FenceRecord | RunClaim): void {
    for (const [region, items] of this.control) {
      if (!this.dead.has(region)) items.set(pk, { ...item });
    }
    this.checkWriters();
  }

  /** A region accepts writes when its local control view says it writes and is unfenced. */
  acceptingWrites(): Region[] {
    return [...this.control.entries()]
      .filter(([region, items]) => {
        if (this.dead.has(region)) return false;
        const w = items.get("writer") as WriterRecord | undefined;
        const f = items.get(`fence#${region}`) as FenceRecord | undefined;
        return w?.region === region && !f?.fenced;
      })
      .map(([r]) => r);
  }

  private checkWriters(): void {
    const w = this.acceptingWrites();
    if (w.length > 1) this.twoWriterMoments.push(w.join("+"));
  }

  alarmState(cell: string, region: Region): AlarmState {
    const v = this.gates.get(`${cell}@${region}`);
    return v === undefined ? "INSUFFICIENT_DATA" : v >= 1 ? "OK" : "ALARM";
  }

  writerCheckHealthy(m: DrManifest): boolean {
    const sw = m.traffic.switch;
    if (this.dead.has(m.region)) return false;
    if (sw.type === "arc-routing-control") return this.arc.get(sw.routingControlArn) === "On";
    return sw.gates.filter((g) => this.alarmState(m.cell, g.region) === "OK").length >= sw.quorum;
  }

  private auroraState(): AuroraGlobalClusterState {
    const a = this.manifests[0].stores.aurora!;
    if (this.auroraPending && --this.auroraPending.polls <= 0) {
      this.auroraWriter = this.auroraPending.to;
      this.auroraPending = undefined;
    }
    const p = this.auroraPending;
    return {
      globalClusterIdentifier: a.globalClusterIdentifier,
      status: p ? (p.dataLoss ? "failing-over" : "switching-over") : "available",
      engine: a.engine,
      engineVersion: a.engineVersion,
      members: this.manifests.map((m) => ({
        clusterArn: m.stores.aurora!.clusterArn,
        region: m.region,
        isWriter: m.region === this.auroraWriter,
        synchronizationStatus: m.region === this.auroraWriter ? undefined : "connected",
      })),
      failover: p
        ? {
            status: "failing-over",
            fromClusterArn: this.cellOf(this.auroraWriter).stores.aurora!.clusterArn,
            toClusterArn: this.cellOf(p.to).stores.aurora!.clusterArn,
            isDataLossAllowed: p.dataLoss,
          }
        : undefined,
    };
  }

  private promote(region: Region, target: string, dataLoss: boolean, op: string): void {
    const to = this.manifests.find((m) => m.stores.aurora?.clusterArn === target)?.region;
    if (!to)
      throw new AdapterError(
        "not-found",
        "RDS",
        op,
        region,
        "no such cluster",
        "DBClusterNotFoundFault",
      );
    if (this.auroraPending) {
      const e = new Error("global cluster is busy");
      e.name = "InvalidGlobalClusterStateFault";
      throw e;
    }
    if (to === this.auroraWriter) return;
    this.promotions.aurora++;
    this.auroraPending = { to, polls: this.promotionPolls, dataLoss };
  }

  adapters(): Adapters {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the adapter methods below are plain object methods
    const self = this;
    return {
      rds: {
        async describeGlobalCluster(region) {
          self.enter("RDS", "DescribeGlobalClusters", region);
          return self.auroraState();
        },
        async switchoverGlobalCluster(region, _id, target) {
          self.enter("RDS", "SwitchoverGlobalCluster", region);
          self.promote(region, target, false, "SwitchoverGlobalCluster");
          self.leave("RDS", "SwitchoverGlobalCluster", region);
        },
        async failoverGlobalCluster(region, _id, target, options) {
          self.enter("RDS", "FailoverGlobalCluster", region);
          if (options.allowDataLoss !== true) throw new Error("AllowDataLoss missing");
          self.promote(region, target, true, "FailoverGlobalCluster");
          self.leave("RDS", "FailoverGlobalCluster", region);
        },
      },
      cloudwatch: {
        async latestMetric(region, q) {
          self.enter("CloudWatch", "GetMetricData", region);
          const replicator = q.dimensions.ReplicatorName;
          const v =
            q.metricName === "MessageLag" && replicator && self.messageLag.has(replicator)
              ? self.messageLag.get(replicator)
              : self.metrics[q.metricName];
          return v === undefined ? undefined : { value: v, timestampMs: q.endTimeMs - 30_000 };
        },
        async putMetric(region, d) {
          self.enter("CloudWatch", "PutMetricData", region);
          const m = self.manifests.find((x) => x.region === d.dimensions.Region);
          if (m) self.gates.set(`${m.cell}@${region}`, d.value);
          self.leave("CloudWatch", "PutMetricData", region);
        },
        async alarmStates(region, names) {
          self.enter("CloudWatch", "DescribeAlarms", region);
          const out: Record<string, AlarmState> = {};
          for (const n of names) {
            const m = self.manifests.find(
              (x) =>
                x.traffic.switch.type === "cloudwatch-gate" &&
                x.traffic.switch.gates.some((g) => g.alarmName === n && g.region === region),
            );
            out[n] = m ? self.alarmState(m.cell, region) : "MISSING";
          }
          return out;
        },
      },
      dynamodb: {
        async describeTable(region, tableName) {
          self.enter("DynamoDB", "DescribeTable", region);
          return {
            tableName,
            region,
            tableStatus: "ACTIVE",
            replicas: self.manifests
              .filter((m) => m.region !== region)
              .map((m) => ({
                region: m.region,
                status: self.dead.has(m.region) ? "INACCESSIBLE" : "ACTIVE",
              })),
          };
        },
        async readControl(region, _t, regions) {
          self.enter("DynamoDB", "GetItem", region);
          const items = self.control.get(region)!;
          return {
            writer: items.get("writer") as WriterRecord | undefined,
            claim: items.get(CLAIM_PK) as RunClaim | undefined,
            fences: regions
              .map((r) => items.get(`fence#${r}`) as FenceRecord | undefined)
              .filter((f): f is FenceRecord => !!f),
          };
        },
        async putWriter(region, _t, record): Promise<ConditionalWriteResult> {
          return self.conditionalControlWrite(region, "writer", record);
        },
        async putFence(region, _t, record): Promise<ConditionalWriteResult> {
          return self.conditionalControlWrite(region, `fence#${record.region}`, record);
        },
        async claimRun(region, _t, claim, options): Promise<ClaimResult> {
          self.enter("DynamoDB", "PutItem", region, CLAIM_PK);
          const cur = self.control.get(region)!.get(CLAIM_PK) as RunClaim | undefined;
          if (!claimAllowed(cur, claim, options?.takeOver)) return { outcome: "held", holder: cur };
          self.writeControl(CLAIM_PK, claim);
          self.leave("DynamoDB", "PutItem", region);
          return { outcome: "claimed" };
        },
        async putDrainMarker(region, table, key) {
          self.enter("DynamoDB", "PutItem", region, "drain-marker");
          const id = `${table}|${JSON.stringify(key)}`;
          for (const m of self.manifests)
            if (!self.dead.has(m.region)) self.markers.add(`${m.region}|${id}`);
          self.leave("DynamoDB", "PutItem", region);
        },
        async lastHeartbeat(region) {
          self.enter("DynamoDB", "GetItem", region);
          return self.heartbeats.get(region);
        },
        async hasItem(region, table, key) {
          self.enter("DynamoDB", "GetItem", region);
          return self.markers.has(`${region}|${table}|${JSON.stringify(key)}`);
        },
        async releaseRun(region, _t, claim): Promise<ConditionalWriteResult> {
          self.enter("DynamoDB", "PutItem", region, CLAIM_PK);
          const cur = self.control.get(region)!.get(CLAIM_PK) as RunClaim | undefined;
          if (!releaseAllowed(cur, claim.runId, claim.epoch)) {
            return { outcome: "superseded", currentEpoch: cur?.epoch };
          }
          self.writeControl(CLAIM_PK, claim);
          self.leave("DynamoDB", "PutItem", region);
          return { outcome: "written" };
        },
      },
      kafka: {
        async describeReplicator(region, arn) {
          self.enter("Kafka", "DescribeReplicator", region);
          const name = arn.split("/")[1];
          const set = self.replicatorStates.get(name);
          return {
            replicatorArn: arn,
            replicatorName: name,
            state: set?.state ?? "RUNNING",
            ...(set?.reason ? { stateReason: set.reason } : {}),
            sourceClusterArns: [],
            targetClusterArns: [],
          };
        },
      },
      elasticache: {
        async describeGlobalDatastore(region, id) {
          self.enter("ElastiCache", "DescribeGlobalReplicationGroups", region);
          if (self.cachePending && --self.cachePending.polls <= 0) {
            self.cachePrimary = self.cachePending.to;
            self.cachePending = undefined;
          }
          return {
            globalReplicationGroupId: id,
            status: self.cachePending ? "modifying" : "available",
            members: self.manifests.map((m) => ({
              replicationGroupId: m.stores.cache.replicationGroupId,
              region: m.region,
              role: m.region === self.cachePrimary ? "primary" : "secondary",
              status: "associated",
            })),
          };
        },
        async failoverGlobalDatastore(region, _id, primaryRegion) {
          self.enter("ElastiCache", "FailoverGlobalReplicationGroup", region);
          if (self.cachePending) {
            const e = new Error("busy");
            e.name = "InvalidGlobalReplicationGroupStateFault";
            throw e;
          }
          if (primaryRegion === self.cachePrimary) return;
          self.promotions.cache++;
          self.cachePending = { to: primaryRegion, polls: self.promotionPolls };
          self.leave("ElastiCache", "FailoverGlobalReplicationGroup", region);
        },
      },
      route53: {
        async healthCheckStatus(id) {
          self.enter("Route53", "GetHealthCheckStatus", undefined);
          let healthy: boolean | undefined;
          for (const m of self.manifests) {
            if (m.traffic.healthCheck.healthCheckId === id) healthy = !self.dead.has(m.region);
            if (m.traffic.healthCheck.writerHealthCheckId === id) {
              // Like Route 53: calculated checks are not reported.
              throw new AdapterError(
                "validation",
                "Route53",
                "GetHealthCheckStatus",
                undefined,
                "calculated",
                "InvalidInput",
              );
            }
            const sw = m.traffic.switch;
            const gate =
              sw.type === "cloudwatch-gate"
                ? sw.gates.find((g) => g.healthCheckId === id)
                : undefined;
            if (gate) healthy = self.alarmState(m.cell, gate.region) === "OK";
          }
          if (healthy === undefined)
            throw new AdapterError(
              "not-found",
              "Route53",
              "GetHealthCheckStatus",
              undefined,
              id,
              "NoSuchHealthCheck",
            );
          return {
            healthCheckId: id,
            healthy,
            checkersReporting: 16,
            checkersHealthy: healthy ? 16 : 0,
          };
        },
      },
      arc: {
        async getRoutingControlState(arn, options) {
          self.enter("ARC", "GetRoutingControlState", firstLive(self, options?.avoidRegions));
          return self.arc.get(arn) ?? "Off";
        },
        async updateRoutingControlStates(updates, options) {
          self.enter("ARC", "UpdateRoutingControlStates", firstLive(self, options?.avoidRegions));
          for (const u of updates) self.arc.set(u.routingControlArn, u.state);
        },
      },
      lambda: {
        async getEventSourceMapping(region, uuid) {
          self.enter("Lambda", "GetEventSourceMapping", region);
          return self.mapping(region, uuid, true);
        },
        async setEventSourceMappingEnabled(region, uuid, enabled) {
          self.enter("Lambda", "UpdateEventSourceMapping", region);
          const m = self.mappings.get(uuid);
          if (m && m.polls !== undefined) {
            const e = new Error("The event source mapping is currently in an update state");
            e.name = "ResourceInUseException";
            throw new AdapterError(
              "invalid-state",
              "Lambda",
              "UpdateEventSourceMapping",
              region,
              e.message,
              e.name,
            );
          }
          if (m && m.state !== (enabled ? "Enabled" : "Disabled")) {
            m.state = enabled ? "Enabling" : "Disabling";
            m.polls = 1;
          }
          return self.mapping(region, uuid, false);
        },
      },
      sqs: {
        async queueDepth(region) {
          self.enter("SQS", "GetQueueAttributes", region);
          return self.queueDepths.get(region) ?? { visible: 0, notVisible: 0, delayed: 0 };
        },
      },
      sts: {
        async callerIdentity(region) {
          self.enter("STS", "GetCallerIdentity", region);
          return {
            account: self.account,
            arn: `arn:aws:sts::${self.account}:assumed-role/Operator/me`,
            userId: "AROA:me",
          };
        },
      },
    };
  }
}

/** The ARC endpoint region the fake "uses": the first one not avoided. */
function firstLive(fake: FakeAws, avoid: Region[] = []): Region {
  const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"];
  return regions.find((r) => !avoid.includes(r) && !fake.dead.has(r)) ?? "none";
}
