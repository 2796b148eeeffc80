import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isAwsRegion, regionCode } from "../../config/regions";
import type { DrManifest, TrafficSwitch } from "../../manifest/schema";
import { CellIdentity, cellTags } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
import { outOfBandProperties } from "../switchover/outOfBand";
import {
  GATE_ALARM,
  GATE_INSUFFICIENT_DATA,
  GATE_METRIC,
  GATE_NAMESPACE,
  gateAlarmName,
  gateDimensions,
  gateQuorum,
  gateRegionsOf,
  healthCheckName,
  recordName,
  WRITER_WEIGHT,
} from "./switch";

/** How writer traffic is switched between cells (`dr:trafficSwitch`). */
export type TrafficSwitchConfig =
  | { type: "cloudwatch-gate"; witnessRegions?: string[] }
  | { type: "arc-routing-control"; clusterArn: string; routingControlArn: string };

/** A gate a peer stack hosts in its region for this cell, as its manifest publishes it. */
export interface PeerGate {
  /** The peer's region, where the alarm lives. */
  region: string;
  alarmName: string;
  healthCheckId: string;
  /** The peer's stack. */
  hostedBy: string;
}

export interface CellTrafficArgs {
  identity: CellIdentity;
  /** This stack's name: recorded as the owner of the gates it hosts. */
  stackName: string;
  hostedZoneId: pulumi.Input<string>;
  /** The hosted zone's domain, e.g. `shop.example.com`. */
  zoneName: string;
  /** Latency-routed name for reads, relative to the zone. Defaults to "api". */
  serviceName?: string;
  /** Weighted, gate-checked name for writes, relative to the zone. Defaults to "writer". */
  writerName?: string;
  /** TTL of the health-checked records, 1-60 s. Defaults to 60. */
  ttlSeconds?: number;
  /** Path Route 53 requests over HTTPS. Defaults to "/healthz". */
  healthCheckPath?: string;
  /** Route 53 checks every 10 or 30 s. Defaults to 10. */
  healthCheckIntervalSeconds?: number;
  /** Consecutive failures (1-10) before the cell is unhealthy. Defaults to 3. */
  healthCheckFailureThreshold?: number;
  loadBalancerDnsName: pulumi.Input<string>;
  /** The load balancer's canonical hosted zone id (for the regional alias). */
  loadBalancerZoneId: pulumi.Input<string>;
  /** Every cell's region, this one first: this stack hosts a gate for each in its region. */
  cellRegions: string[];
  /**
   * The gates the peers host for this cell, read from their manifests before any resource is
   * created. Until every peer's is known the writer check and record are deferred.
   */
  peerGates?: PeerGate[];
  /** Defaults to `{ type: "cloudwatch-gate" }`. */
  trafficSwitch?: TrafficSwitchConfig;
}

/** One gate alarm and its Route 53 check, hosted by this stack. */
export interface HostedGateResources {
  /** The cell whose gate this is. */
  forRegion: string;
  /** Where the alarm lives. */
  region: string;
  alarmName: string;
  alarm: aws.cloudwatch.MetricAlarm;
  healthCheck: aws.route53.HealthCheck;
}

export interface CellTrafficOutputs {
  httpsHealthCheck: aws.route53.HealthCheck;
  /** Gates this stack hosts: one per cell in its own region, and this cell's witnesses. */
  hostedGates: HostedGateResources[];
  /** The writer check (gate quorum, or the ARC control's check); absent while deferred. */
  writerHealthCheck?: aws.route53.HealthCheck;
  regionalRecord: aws.route53.Record;
  latencyRecord: aws.route53.Record;
  writerRecord?: aws.route53.Record;
  regionalName: string;
  latencyRecordName: string;
  writerRecordName: string;
  /** Gate regions still waiting for a peer's manifest (the writer record waits for them). */
  waitingForGates: string[];
  /** The manifest's `traffic.switch`. */
  switch: pulumi.Output<TrafficSwitch>;
  /** The manifest's `traffic` section. */
  manifestTraffic: pulumi.Output<DrManifest["traffic"]>;
}

const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/** Defaulted args: each default applied once, here. */
function withDefaults(args: CellTrafficArgs) {
  const sw = args.trafficSwitch ?? { type: "cloudwatch-gate" };
  return {
    serviceName: args.serviceName ?? "api",
    writerName: args.writerName ?? "writer",
    ttlSeconds: args.ttlSeconds ?? 60,
    healthCheckPath: args.healthCheckPath ?? "/healthz",
    healthCheckIntervalSeconds: args.healthCheckIntervalSeconds ?? 10,
    healthCheckFailureThreshold: args.healthCheckFailureThreshold ?? 3,
    trafficSwitch: sw,
    witnessRegions: sw.type === "cloudwatch-gate" ? (sw.witnessRegions ?? []) : [],
    peerGates: args.peerGates ?? [],
  };
}

/**
 * A cell's DNS: its regional name, its side of the latency record (reads, HTTPS-checked) and
 * its weighted record on the writer name (writes, gate-checked), plus the writer gates this
 * stack hosts. Every resource lives in this stack's region or is global (Route 53), except
 * this cell's own gates in the witness regions, which no cell's stack is in.
 */
export function createCellTraffic(
  name: string,
  args: CellTrafficArgs,
  parent: pulumi.Resource,
): CellTrafficOutputs {
  const d = withDefaults(args);
  throwArgIssues(`dr:traffic:CellTraffic ${name}`, trafficArgIssues(args, d));
  const { identity } = args;
  const tags = cellTags(identity);
  const hcTags = (what: string) => ({ ...tags, Name: healthCheckName(identity, what) });
  const hcOpts: pulumi.CustomResourceOptions = {
    parent,
    ignoreChanges: outOfBandProperties(HEALTH_CHECK_TYPE),
  };

  const regionalName = recordName(identity.cell, args.zoneName);
  const latencyRecordName = recordName(d.serviceName, args.zoneName);
  const writerRecordName = recordName(d.writerName, args.zoneName);

  const regionalRecord = new aws.route53.Record(
    `${name}-regionalRecord`,
    {
      zoneId: args.hostedZoneId,
      name: regionalName,
      type: "A",
      aliases: [
        {
          name: args.loadBalancerDnsName,
          zoneId: args.loadBalancerZoneId,
          evaluateTargetHealth: true,
        },
      ],
    },
    { parent },
  );

  const httpsHealthCheck = new aws.route53.HealthCheck(
    `${name}-httpsHealthCheck`,
    {
      type: "HTTPS",
      fqdn: regionalName,
      port: 443,
      resourcePath: d.healthCheckPath,
      enableSni: true,
      requestInterval: d.healthCheckIntervalSeconds,
      failureThreshold: d.healthCheckFailureThreshold,
      measureLatency: true,
      tags: hcTags("https"),
    },
    { ...hcOpts, dependsOn: [regionalRecord] },
  );

  // CNAMEs, not aliases: an alias record takes the target's TTL, and the configured TTL is part
  // of the RTO budget. Each is this cell's record in a set of one record per cell.
  const cellRecord = (
    what: string,
    recordName: string,
    routing: Pick<aws.route53.RecordArgs, "latencyRoutingPolicies" | "weightedRoutingPolicies">,
    healthCheckId: pulumi.Input<string>,
  ) =>
    new aws.route53.Record(
      `${name}-${what}`,
      {
        zoneId: args.hostedZoneId,
        name: recordName,
        type: "CNAME",
        ttl: d.ttlSeconds,
        records: [args.loadBalancerDnsName],
        setIdentifier: identity.cell,
        ...routing,
        healthCheckId,
      },
      { parent },
    );
  const latencyRecord = cellRecord(
    "latencyRecord",
    latencyRecordName,
    { latencyRoutingPolicies: [{ region: identity.region }] },
    httpsHealthCheck.id,
  );

  const hostedGates: HostedGateResources[] = [];
  let writerHealthCheck: aws.route53.HealthCheck | undefined;
  const waitingForGates: string[] = [];
  let switchOut: pulumi.Output<TrafficSwitch>;
  const sw = d.trafficSwitch;
  if (sw.type === "cloudwatch-gate") {
    const hostGate = (forRegion: string, region: string): HostedGateResources => {
      const alarmName = gateAlarmName(identity.app, forRegion);
      const suffix = region === identity.region ? regionCode(forRegion) : `${regionCode(region)}`;
      const kind = region === identity.region ? "writerGate" : "witnessGate";
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-${kind}Alarm-${suffix}`,
        {
          // Witness gates only: every other gate lives in this stack's own region.
          ...(region === identity.region ? {} : { region }),
          name: alarmName,
          alarmDescription:
            `Writer gate of the ${identity.app} cell in ${forRegion}, held in ${region}: ALARM (closed) ` +
            `when ${GATE_NAMESPACE}/${GATE_METRIC} < 1. The cell takes writer traffic while a majority ` +
            "of its gate regions are OK; the failover commands set it in every region they reach.",
          namespace: GATE_NAMESPACE,
          metricName: GATE_METRIC,
          dimensions: gateDimensions(identity.app, forRegion),
          statistic: GATE_ALARM.statistic,
          period: GATE_ALARM.periodSeconds,
          evaluationPeriods: GATE_ALARM.evaluationPeriods,
          datapointsToAlarm: GATE_ALARM.datapointsToAlarm,
          threshold: GATE_ALARM.threshold,
          comparisonOperator: GATE_ALARM.comparisonOperator,
          treatMissingData: GATE_ALARM.treatMissingData,
          tags,
        },
        { parent },
      );
      const healthCheck = new aws.route53.HealthCheck(
        `${name}-${kind}HealthCheck-${suffix}`,
        {
          type: "CLOUDWATCH_METRIC",
          cloudwatchAlarmName: alarm.name,
          cloudwatchAlarmRegion: region,
          // Never opened = closed; and an unreadable region counts for nothing it could decide.
          insufficientDataHealthStatus: GATE_INSUFFICIENT_DATA,
          tags: hcTags(`writer-gate-${regionCode(forRegion)}-in-${regionCode(region)}`),
        },
        hcOpts,
      );
      return { forRegion, region, alarmName, alarm, healthCheck };
    };
    for (const forRegion of args.cellRegions)
      hostedGates.push(hostGate(forRegion, identity.region));
    for (const witness of d.witnessRegions) hostedGates.push(hostGate(identity.region, witness));

    const gateRegions = gateRegionsOf(args.cellRegions, d.witnessRegions);
    const quorum = gateQuorum(gateRegions.length);
    // This cell's gates in gate-region order: its own, the peers' (from their manifests), the
    // witnesses'.
    type OwnGate = {
      region: string;
      alarmName: string;
      healthCheckId: pulumi.Input<string>;
      hostedBy: string;
    };
    const ownGates: OwnGate[] = [];
    for (const region of gateRegions) {
      const hosted = hostedGates.find(
        (g) => g.forRegion === identity.region && g.region === region,
      );
      const peer = d.peerGates.find((g) => g.region === region);
      if (hosted) {
        ownGates.push({
          region,
          alarmName: hosted.alarmName,
          healthCheckId: hosted.healthCheck.id,
          hostedBy: args.stackName,
        });
      } else if (peer) {
        ownGates.push(peer);
      } else {
        waitingForGates.push(region);
      }
    }
    if (waitingForGates.length === 0) {
      writerHealthCheck = new aws.route53.HealthCheck(
        `${name}-writerHealthCheck`,
        {
          type: "CALCULATED",
          childHealthchecks: ownGates.map((g) => g.healthCheckId),
          // A majority of the gate regions: no single region decides, open or closed.
          childHealthThreshold: quorum,
          tags: hcTags("writer"),
        },
        hcOpts,
      );
    }
    switchOut = pulumi
      .all(ownGates.map((g) => pulumi.output(g.healthCheckId)))
      .apply((ids): TrafficSwitch => ({
        type: "cloudwatch-gate",
        namespace: GATE_NAMESPACE,
        metricName: GATE_METRIC,
        dimensions: gateDimensions(identity.app, identity.region),
        gateRegions,
        witnessRegions: d.witnessRegions,
        quorum,
        gates: ownGates.map((g, i) => ({
          region: g.region,
          alarmName: g.alarmName,
          healthCheckId: ids[i],
          hostedBy: g.hostedBy,
        })),
      }));
  } else {
    writerHealthCheck = new aws.route53.HealthCheck(
      `${name}-writerHealthCheck`,
      {
        type: "RECOVERY_CONTROL",
        routingControlArn: sw.routingControlArn,
        tags: hcTags("writer"),
      },
      hcOpts,
    );
    switchOut = writerHealthCheck.id.apply((healthCheckId): TrafficSwitch => ({
      type: "arc-routing-control",
      clusterArn: sw.clusterArn,
      routingControlArn: sw.routingControlArn,
      healthCheckId,
    }));
  }

  // Weighted, equal weights: Route 53 answers the cells whose writer check is healthy, and the
  // commands keep that to one. (Failover routing would hold two cells only.)
  const writerRecord = writerHealthCheck
    ? cellRecord(
        "writerRecord",
        writerRecordName,
        { weightedRoutingPolicies: [{ weight: WRITER_WEIGHT }] },
        writerHealthCheck.id,
      )
    : undefined;

  const hostedOut = pulumi.all(hostedGates.map((g) => g.healthCheck.id)).apply((ids) =>
    hostedGates
      .map((g, i) => ({ g, id: ids[i] }))
      .filter(({ g }) => g.forRegion !== identity.region)
      .map(({ g, id }) => ({
        forRegion: g.forRegion,
        region: g.region,
        alarmName: g.alarmName,
        healthCheckId: id,
      })),
  );

  const manifestTraffic = pulumi
    .all([
      pulumi.output(args.hostedZoneId),
      httpsHealthCheck.id,
      writerHealthCheck ? writerHealthCheck.id : pulumi.output(null),
      switchOut,
      hostedOut,
    ])
    .apply(
      ([
        hostedZoneId,
        healthCheckId,
        writerHealthCheckId,
        trafficSwitch,
        hosted,
      ]): DrManifest["traffic"] => ({
        hostedZoneId,
        ttlSeconds: d.ttlSeconds,
        healthCheck: {
          healthCheckId,
          writerHealthCheckId,
          path: d.healthCheckPath,
          intervalSeconds: d.healthCheckIntervalSeconds,
          failureThreshold: d.healthCheckFailureThreshold,
        },
        latencyRecord: { name: latencyRecordName, setIdentifier: identity.cell },
        writerRecord: writerRecord
          ? { name: writerRecordName, setIdentifier: identity.cell }
          : null,
        switch: trafficSwitch,
        hostedGates: hosted,
      }),
    );

  return {
    httpsHealthCheck,
    hostedGates,
    writerHealthCheck,
    regionalRecord,
    latencyRecord,
    writerRecord,
    regionalName,
    latencyRecordName,
    writerRecordName,
    waitingForGates,
    switch: switchOut,
    manifestTraffic,
  };
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ZONE_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}\.?$/;
const ARC_CLUSTER = /^arn:aws[\w-]*:route53-recovery-control::\d{12}:cluster\/[\w-]+$/;
const ARC_ROUTING_CONTROL =
  /^arn:aws[\w-]*:route53-recovery-control::\d{12}:controlpanel\/[\w-]+\/routingcontrol\/[\w-]+$/;

/**
 * The TTL and health-check settings of a health-checked record (dr:dns.*): the traffic records
 * and the API's records use the same values, so they are checked once, here.
 */
export function healthCheckedRecordIssues(
  d: {
    ttlSeconds: number;
    healthCheckFailureThreshold: number;
    healthCheckIntervalSeconds: number;
  },
  add: (propertyPath: string, reason: string) => void,
): void {
  const ttl = d.ttlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 60) {
    add(
      "ttlSeconds",
      `is ${ttl}; health-checked records need a whole number of seconds from 1 to 60 (a longer TTL keeps clients on a failed cell; dr:dns.ttlSeconds).`,
    );
  }
  const threshold = d.healthCheckFailureThreshold;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) {
    add(
      "healthCheckFailureThreshold",
      `is ${threshold}; Route 53 accepts a whole number from 1 to 10 (dr:dns.healthCheckFailureThreshold).`,
    );
  }
  const interval = d.healthCheckIntervalSeconds;
  if (interval !== 10 && interval !== 30) {
    add(
      "healthCheckIntervalSeconds",
      `is ${interval}; Route 53 health checks run every 10 or 30 seconds only (dr:dns.healthCheckIntervalSeconds).`,
    );
  }
}

/** Every problem with the traffic args, each naming the arg, its config key and the fix. */
function trafficArgIssues(
  args: CellTrafficArgs,
  d: ReturnType<typeof withDefaults>,
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) =>
    issues.push({ propertyPath, reason: `${propertyPath} ${reason}` });
  healthCheckedRecordIssues(d, add);
  if (!/^\/[\w\-./]*$/.test(d.healthCheckPath)) {
    add(
      "healthCheckPath",
      `'${d.healthCheckPath}' is not a URL path; start it with '/', e.g. /healthz.`,
    );
  }
  if (!ZONE_NAME.test(args.zoneName)) {
    add("zoneName", `'${args.zoneName}' is not a lowercase domain such as example.com.`);
  }
  for (const key of ["serviceName", "writerName"] as const) {
    if (!DNS_LABEL.test(d[key])) {
      add(key, `'${d[key]}' is not a DNS label; use a-z, 0-9 and '-', e.g. api.`);
    }
  }
  const labels = [
    ["serviceName", d.serviceName],
    ["writerName", d.writerName],
    ["identity.cell", args.identity.cell],
  ];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (labels[i][1] === labels[j][1]) {
        add(
          labels[i][0],
          `and ${labels[j][0]} are both '${labels[i][1]}', so their records would ` +
            `share the name ${recordName(labels[i][1], args.zoneName)}; give each a different name.`,
        );
      }
    }
  }

  args.cellRegions.forEach((region, i) => {
    if (!isAwsRegion(region)) {
      add(`cellRegions[${i}]`, `'${region}' is not an AWS region such as eu-west-1.`);
    } else if (args.cellRegions.indexOf(region) !== i) {
      add(`cellRegions[${i}]`, `'${region}' is listed twice; list each region once.`);
    }
  });
  if (!args.cellRegions.includes(args.identity.region)) {
    add(
      "cellRegions",
      `(${args.cellRegions.join(", ")}) must include this cell's own region ` +
        `${args.identity.region}: the writer gate needs an alarm there too.`,
    );
  }
  d.witnessRegions.forEach((region, i) => {
    if (!isAwsRegion(region) || args.cellRegions.includes(region)) {
      add(
        `trafficSwitch.witnessRegions[${i}]`,
        `'${region}' must be an AWS region that holds no cell (dr:trafficSwitch.witnessRegions).`,
      );
    }
  });
  if (d.trafficSwitch.type === "cloudwatch-gate") {
    const gateRegions = gateRegionsOf(args.cellRegions, d.witnessRegions);
    if (gateRegions.length < 3) {
      add(
        "trafficSwitch.witnessRegions",
        `leaves ${gateRegions.length} gate regions (${gateRegions.join(", ")}); a majority no single region can decide needs 3: add a witness region (dr:trafficSwitch.witnessRegions).`,
      );
    }
  }
  d.peerGates.forEach((g, i) => {
    if (g.region === args.identity.region || !args.cellRegions.includes(g.region)) {
      add(
        `peerGates[${i}].region`,
        `'${g.region}' is not a peer cell's region (${args.cellRegions.slice(1).join(", ")}).`,
      );
    }
  });

  const sw = d.trafficSwitch;
  if (sw.type === "arc-routing-control") {
    if (!ARC_CLUSTER.test(sw.clusterArn)) {
      add(
        "trafficSwitch.clusterArn",
        `'${sw.clusterArn}' is not an ARC cluster ARN (arn:aws:route53-recovery-control::<acct>:cluster/<id>).`,
      );
    }
    if (!ARC_ROUTING_CONTROL.test(sw.routingControlArn)) {
      add(
        "trafficSwitch.routingControlArn",
        `'${sw.routingControlArn}' is not an ARC routing control ARN (...:controlpanel/<id>/routingcontrol/<id>).`,
      );
    }
  } else if (sw.type !== "cloudwatch-gate") {
    add(
      "trafficSwitch.type",
      `is '${String((sw as { type: unknown }).type)}'; use "cloudwatch-gate" or "arc-routing-control".`,
    );
  }
  return issues;
}

/** A cell's Route 53 names, health checks and writer traffic switch. */
export class CellTraffic extends pulumi.ComponentResource {
  /** The HTTPS health check on the regional name (latency record). */
  readonly healthCheckId: pulumi.Output<string>;
  /** The writer record's check; undefined while a peer's gate is missing. */
  readonly writerHealthCheckId: pulumi.Output<string | undefined>;
  readonly regionalName: pulumi.Output<string>;
  readonly latencyRecordName: pulumi.Output<string>;
  readonly writerRecordName: pulumi.Output<string>;
  /** Gate regions whose gate for this cell a peer has not published yet. */
  readonly waitingForGates: string[];
  readonly switch: pulumi.Output<TrafficSwitch>;
  /** The DR manifest's `traffic` section, ready to publish. */
  readonly manifestTraffic: pulumi.Output<DrManifest["traffic"]>;

  constructor(name: string, args: CellTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:traffic:CellTraffic", name, {}, opts);
    const out = createCellTraffic(name, args, this);
    this.healthCheckId = out.httpsHealthCheck.id;
    this.writerHealthCheckId = out.writerHealthCheck
      ? out.writerHealthCheck.id
      : pulumi.output(undefined);
    this.regionalName = pulumi.output(out.regionalName);
    this.latencyRecordName = pulumi.output(out.latencyRecordName);
    this.writerRecordName = pulumi.output(out.writerRecordName);
    this.waitingForGates = out.waitingForGates;
    this.switch = out.switch;
    this.manifestTraffic = out.manifestTraffic;
    this.registerOutputs({
      healthCheckId: this.healthCheckId,
      writerHealthCheckId: this.writerHealthCheckId,
      regionalName: this.regionalName,
      latencyRecordName: this.latencyRecordName,
      writerRecordName: this.writerRecordName,
      switch: this.switch,
      manifestTraffic: this.manifestTraffic,
    });
  }
}
