import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CellRole } from "../../config/load";
import { isAwsRegion, regionCode } from "../../config/regions";
import type { DrManifest, TrafficSwitch } from "../../manifest/schema";
import { CellIdentity, cellTags } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import {
  failoverRole,
  GATE_ALARM,
  GATE_METRIC,
  GATE_NAMESPACE,
  gateAlarmName,
  gateDimensions,
  recordName,
} from "./switch";

/** How writer traffic is switched between cells (`dr:trafficSwitch`). */
export type TrafficSwitchConfig =
  | { type: "cloudwatch-gate" }
  | { type: "arc-routing-control"; clusterArn: string; routingControlArn: string };

export interface CellTrafficArgs {
  identity: CellIdentity;
  /** "home" takes the PRIMARY side of the writer failover pair, "joiner" the SECONDARY. */
  role: CellRole;
  hostedZoneId: pulumi.Input<string>;
  /** The hosted zone's domain, e.g. `shop.example.com`. */
  zoneName: string;
  /** Latency-routed name for reads, relative to the zone. Defaults to "api". */
  serviceName?: string;
  /** Failover-routed name for writes, relative to the zone. Defaults to "writer". */
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
  /** This cell's region and every peer's: the writer gate has an alarm in each. */
  cellRegions: string[];
  /** Defaults to `{ type: "cloudwatch-gate" }`. */
  trafficSwitch?: TrafficSwitchConfig;
}

export interface CellTrafficOutputs {
  httpsHealthCheck: aws.route53.HealthCheck;
  /** Healthy while the switch lets this cell write (all gates open, or the routing control on). */
  switchHealthCheck: aws.route53.HealthCheck;
  writerHealthCheck: aws.route53.HealthCheck;
  gates: Array<{
    region: string;
    alarmName: string;
    alarm: aws.cloudwatch.MetricAlarm;
    healthCheck: aws.route53.HealthCheck;
  }>;
  regionalRecord: aws.route53.Record;
  latencyRecord: aws.route53.Record;
  failoverRecord: aws.route53.Record;
  regionalName: string;
  latencyRecordName: string;
  failoverRecordName: string;
  failoverRole: "PRIMARY" | "SECONDARY";
  /** The manifest's `traffic.switch`. */
  switch: pulumi.Output<TrafficSwitch>;
  /** The manifest's `traffic` section. */
  manifestTraffic: pulumi.Output<DrManifest["traffic"]>;
}

const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/** Defaulted args: each default applied once, here. */
function withDefaults(args: CellTrafficArgs) {
  return {
    serviceName: args.serviceName ?? "api",
    writerName: args.writerName ?? "writer",
    ttlSeconds: args.ttlSeconds ?? 60,
    healthCheckPath: args.healthCheckPath ?? "/healthz",
    healthCheckIntervalSeconds: args.healthCheckIntervalSeconds ?? 10,
    healthCheckFailureThreshold: args.healthCheckFailureThreshold ?? 3,
    trafficSwitch: args.trafficSwitch ?? ({ type: "cloudwatch-gate" } as TrafficSwitchConfig),
  };
}

/**
 * A cell's DNS: its regional name, its side of the latency record (reads) and of the failover
 * pair (writes), and the health checks that drive them. Moving the writer never needs Route
 * 53's control plane: the writer health check combines the cell's HTTPS health with a switch
 * that is flipped through a data plane (a CloudWatch metric, or an ARC routing control).
 */
export function createCellTraffic(
  name: string,
  args: CellTrafficArgs,
  parent: pulumi.Resource,
): CellTrafficOutputs {
  const d = withDefaults(args);
  validateArgs(args, d, parent);
  const { identity } = args;
  const tags = cellTags(identity);
  const hcTags = (what: string) => ({ ...tags, Name: `${identity.app}-${identity.cell}-${what}` });
  const hcOpts: pulumi.CustomResourceOptions = {
    parent,
    ignoreChanges: outOfBandProperties(HEALTH_CHECK_TYPE),
  };

  const regionalName = recordName(identity.cell, args.zoneName);
  const latencyRecordName = recordName(d.serviceName, args.zoneName);
  const failoverRecordName = recordName(d.writerName, args.zoneName);

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

  const gates: CellTrafficOutputs["gates"] = [];
  let switchHealthCheck: aws.route53.HealthCheck;
  // The writer check's children are the leaf checks themselves: Route 53 is not documented to
  // accept a CALCULATED check as the child of another, so the writer check never nests one.
  let switchLeaves: pulumi.Output<string>[];
  let switchOut: pulumi.Output<TrafficSwitch>;
  const sw = d.trafficSwitch;
  if (sw.type === "cloudwatch-gate") {
    for (const region of args.cellRegions) {
      const code = regionCode(region);
      const alarmName = gateAlarmName(identity, region);
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-writerGateAlarm-${code}`,
        {
          // Only the other regions need the override; this region is the provider's default.
          ...(region === identity.region ? {} : { region }),
          name: alarmName,
          alarmDescription:
            `Writer gate for ${identity.app} cell ${identity.cell}: ALARM (gate closed) when ` +
            `${GATE_NAMESPACE}/${GATE_METRIC} < 1. Close with one PutMetricData value 0 in any ` +
            "cell region; reopen with 1 in every region where it was closed.",
          namespace: GATE_NAMESPACE,
          metricName: GATE_METRIC,
          dimensions: gateDimensions(identity),
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
        `${name}-writerGateHealthCheck-${code}`,
        {
          type: "CLOUDWATCH_METRIC",
          cloudwatchAlarmName: alarm.name,
          cloudwatchAlarmRegion: region,
          // A region that cannot be read (it is the one that failed) keeps its last state.
          insufficientDataHealthStatus: "LastKnownStatus",
          tags: hcTags(`writer-gate-${code}`),
        },
        hcOpts,
      );
      gates.push({ region, alarmName, alarm, healthCheck });
    }
    switchHealthCheck = new aws.route53.HealthCheck(
      `${name}-switchHealthCheck`,
      {
        type: "CALCULATED",
        childHealthchecks: gates.map((g) => g.healthCheck.id),
        // Every gate must be open: closing any one of them, anywhere, fences the writer.
        childHealthThreshold: gates.length,
        tags: hcTags("writer-switch"),
      },
      hcOpts,
    );
    switchLeaves = gates.map((g) => g.healthCheck.id);
    switchOut = pulumi.all(gates.map((g) => g.healthCheck.id)).apply((ids): TrafficSwitch => ({
      type: "cloudwatch-gate",
      namespace: GATE_NAMESPACE,
      metricName: GATE_METRIC,
      dimensions: gateDimensions(identity),
      gates: gates.map((g, i) => ({
        region: g.region,
        alarmName: g.alarmName,
        healthCheckId: ids[i],
      })),
    }));
  } else {
    switchHealthCheck = new aws.route53.HealthCheck(
      `${name}-switchHealthCheck`,
      {
        type: "RECOVERY_CONTROL",
        routingControlArn: sw.routingControlArn,
        tags: hcTags("writer-switch"),
      },
      hcOpts,
    );
    switchLeaves = [switchHealthCheck.id];
    switchOut = switchHealthCheck.id.apply((healthCheckId): TrafficSwitch => ({
      type: "arc-routing-control",
      clusterArn: sw.clusterArn,
      routingControlArn: sw.routingControlArn,
      healthCheckId,
    }));
  }

  const writerHealthCheck = new aws.route53.HealthCheck(
    `${name}-writerHealthCheck`,
    {
      type: "CALCULATED",
      childHealthchecks: [httpsHealthCheck.id, ...switchLeaves],
      // HTTPS healthy AND every leaf of the switch on (each gate open, or the routing control on).
      childHealthThreshold: 1 + switchLeaves.length,
      tags: hcTags("writer"),
    },
    hcOpts,
  );

  // CNAMEs, not aliases: an alias record takes the target's TTL, and the configured TTL is part
  // of the RTO budget.
  const latencyRecord = new aws.route53.Record(
    `${name}-latencyRecord`,
    {
      zoneId: args.hostedZoneId,
      name: latencyRecordName,
      type: "CNAME",
      ttl: d.ttlSeconds,
      records: [args.loadBalancerDnsName],
      setIdentifier: identity.cell,
      latencyRoutingPolicies: [{ region: identity.region }],
      healthCheckId: httpsHealthCheck.id,
    },
    { parent },
  );
  const role = failoverRole(args.role);
  const failoverRecord = new aws.route53.Record(
    `${name}-failoverRecord`,
    {
      zoneId: args.hostedZoneId,
      name: failoverRecordName,
      type: "CNAME",
      ttl: d.ttlSeconds,
      records: [args.loadBalancerDnsName],
      setIdentifier: identity.cell,
      failoverRoutingPolicies: [{ type: role }],
      healthCheckId: writerHealthCheck.id,
    },
    { parent },
  );

  const manifestTraffic = pulumi
    .all([pulumi.output(args.hostedZoneId), httpsHealthCheck.id, writerHealthCheck.id, switchOut])
    .apply(
      ([
        hostedZoneId,
        healthCheckId,
        writerHealthCheckId,
        trafficSwitch,
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
        failoverRecord: { name: failoverRecordName, setIdentifier: identity.cell, role },
        switch: trafficSwitch,
      }),
    );

  return {
    httpsHealthCheck,
    switchHealthCheck,
    writerHealthCheck,
    gates,
    regionalRecord,
    latencyRecord,
    failoverRecord,
    regionalName,
    latencyRecordName,
    failoverRecordName,
    failoverRole: role,
    switch: switchOut,
    manifestTraffic,
  };
}

function inputError(propertyPath: string, reason: string): pulumi.InputPropertyError {
  return new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath} ${reason}` });
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ZONE_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}\.?$/;
const ARC_CLUSTER = /^arn:aws[\w-]*:route53-recovery-control::\d{12}:cluster\/[\w-]+$/;
const ARC_ROUTING_CONTROL =
  /^arn:aws[\w-]*:route53-recovery-control::\d{12}:controlpanel\/[\w-]+\/routingcontrol\/[\w-]+$/;

function validateArgs(
  args: CellTrafficArgs,
  d: ReturnType<typeof withDefaults>,
  parent: pulumi.Resource,
): void {
  const ttl = d.ttlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 60) {
    throw inputError(
      "ttlSeconds",
      `is ${ttl}; health-checked records need a whole number of seconds from 1 to 60 (a longer TTL keeps clients on a failed cell; dr:dns.ttlSeconds).`,
    );
  }
  const threshold = d.healthCheckFailureThreshold;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) {
    throw inputError(
      "healthCheckFailureThreshold",
      `is ${threshold}; Route 53 accepts a whole number from 1 to 10 (dr:dns.healthCheckFailureThreshold).`,
    );
  }
  const interval = d.healthCheckIntervalSeconds;
  if (interval !== 10 && interval !== 30) {
    throw inputError(
      "healthCheckIntervalSeconds",
      `is ${interval}; Route 53 health checks run every 10 or 30 seconds only (dr:dns.healthCheckIntervalSeconds).`,
    );
  }
  if (!/^\/[\w\-./]*$/.test(d.healthCheckPath)) {
    throw inputError(
      "healthCheckPath",
      `'${d.healthCheckPath}' is not a URL path; start it with '/', e.g. /healthz.`,
    );
  }
  if (args.role !== "home" && args.role !== "joiner") {
    throw inputError("role", `is '${String(args.role)}'; use "home" or "joiner".`);
  }
  if (!ZONE_NAME.test(args.zoneName)) {
    throw inputError(
      "zoneName",
      `'${args.zoneName}' is not a lowercase domain such as example.com.`,
    );
  }
  for (const key of ["serviceName", "writerName"] as const) {
    if (!DNS_LABEL.test(d[key])) {
      throw inputError(key, `'${d[key]}' is not a DNS label; use a-z, 0-9 and '-', e.g. api.`);
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
        throw new pulumi.ResourceError(
          `${labels[i][0]} and ${labels[j][0]} are both '${labels[i][1]}', so their records would ` +
            `share the name ${recordName(labels[i][1], args.zoneName)}; give each a different name.`,
          parent,
        );
      }
    }
  }

  args.cellRegions.forEach((region, i) => {
    if (!isAwsRegion(region)) {
      throw inputError(`cellRegions[${i}]`, `'${region}' is not an AWS region such as eu-west-1.`);
    }
    if (args.cellRegions.indexOf(region) !== i) {
      throw inputError(`cellRegions[${i}]`, `'${region}' is listed twice; list each region once.`);
    }
  });
  if (!args.cellRegions.includes(args.identity.region)) {
    throw new pulumi.ResourceError(
      `cellRegions (${args.cellRegions.join(", ")}) must include this cell's own region ` +
        `${args.identity.region}: the writer gate needs an alarm there too.`,
      parent,
    );
  }
  if (args.cellRegions.length > 2) {
    void pulumi.log.warn(
      `${args.cellRegions.length} cell regions share ${recordName(d.writerName, args.zoneName)}, but a ` +
        "Route 53 failover pair has one PRIMARY and one SECONDARY record; only one joiner can " +
        "hold the SECONDARY side. Give other joiners their own writer name or use ARC.",
      parent,
    );
  }

  const sw = d.trafficSwitch;
  if (sw.type === "arc-routing-control") {
    if (!ARC_CLUSTER.test(sw.clusterArn)) {
      throw inputError(
        "trafficSwitch.clusterArn",
        `'${sw.clusterArn}' is not an ARC cluster ARN (arn:aws:route53-recovery-control::<acct>:cluster/<id>).`,
      );
    }
    if (!ARC_ROUTING_CONTROL.test(sw.routingControlArn)) {
      throw inputError(
        "trafficSwitch.routingControlArn",
        `'${sw.routingControlArn}' is not an ARC routing control ARN (...:controlpanel/<id>/routingcontrol/<id>).`,
      );
    }
  } else if (sw.type !== "cloudwatch-gate") {
    throw inputError(
      "trafficSwitch.type",
      `is '${String((sw as { type: unknown }).type)}'; use "cloudwatch-gate" or "arc-routing-control".`,
    );
  }
}

/** A cell's Route 53 names, health checks and writer traffic switch. */
export class CellTraffic extends pulumi.ComponentResource {
  /** The HTTPS health check on the regional name (latency record). */
  readonly healthCheckId: pulumi.Output<string>;
  /** HTTPS healthy AND switch on (failover record). */
  readonly writerHealthCheckId: pulumi.Output<string>;
  readonly switchHealthCheckId: pulumi.Output<string>;
  readonly regionalName: pulumi.Output<string>;
  readonly latencyRecordName: pulumi.Output<string>;
  readonly latencyRecord: pulumi.Output<{ name: string; setIdentifier: string }>;
  readonly failoverRecord: pulumi.Output<{
    name: string;
    setIdentifier: string;
    role: "PRIMARY" | "SECONDARY";
  }>;
  readonly switch: pulumi.Output<TrafficSwitch>;
  /** The DR manifest's `traffic` section, ready to publish. */
  readonly manifestTraffic: pulumi.Output<DrManifest["traffic"]>;

  constructor(name: string, args: CellTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:traffic:CellTraffic", name, {}, opts);
    const out = createCellTraffic(name, args, this);
    this.healthCheckId = out.httpsHealthCheck.id;
    this.writerHealthCheckId = out.writerHealthCheck.id;
    this.switchHealthCheckId = out.switchHealthCheck.id;
    this.regionalName = pulumi.output(out.regionalName);
    this.latencyRecordName = pulumi.output(out.latencyRecordName);
    this.latencyRecord = pulumi.output({
      name: out.latencyRecordName,
      setIdentifier: args.identity.cell,
    });
    this.failoverRecord = pulumi.output({
      name: out.failoverRecordName,
      setIdentifier: args.identity.cell,
      role: out.failoverRole,
    });
    this.switch = out.switch;
    this.manifestTraffic = out.manifestTraffic;
    this.registerOutputs({
      healthCheckId: this.healthCheckId,
      writerHealthCheckId: this.writerHealthCheckId,
      switchHealthCheckId: this.switchHealthCheckId,
      regionalName: this.regionalName,
      latencyRecordName: this.latencyRecordName,
      latencyRecord: this.latencyRecord,
      failoverRecord: this.failoverRecord,
      switch: this.switch,
      manifestTraffic: this.manifestTraffic,
    });
  }
}
