import { strict as assert } from "assert";
import { CellTraffic, CellTrafficArgs } from "./cellTraffic";
import { byType, named, promiseOf, renderComponent } from "../../testing";
import { drManifestSchema, trafficSwitchSchema } from "../../manifest/schema";
import { sampleManifest } from "../../manifest/sample";
import { outOfBandProperties } from "../switchover/outOfBand";
import type { Render, RenderedResource } from "../../plan/render";

const home = { app: "shop", cell: "use1", region: "us-east-1" };
const joiner = { app: "shop", cell: "euw1", region: "eu-west-1" };
const lbDns = "shop-use1-123456789.us-east-1.elb.amazonaws.com";

function args(overrides: Partial<CellTrafficArgs> = {}): CellTrafficArgs {
  return {
    identity: home,
    role: "home",
    hostedZoneId: "Z04912345EXAMPLE0DR",
    zoneName: "shop.example.com",
    ttlSeconds: 30,
    healthCheckPath: "/healthz",
    healthCheckIntervalSeconds: 10,
    healthCheckFailureThreshold: 3,
    loadBalancerDnsName: lbDns,
    loadBalancerZoneId: "Z35SXDOTRQ7X7K",
    cellRegions: ["us-east-1", "eu-west-1"],
    ...overrides,
  };
}

async function render(a: CellTrafficArgs) {
  let traffic: CellTraffic | undefined;
  const r = await renderComponent(
    () => {
      traffic = new CellTraffic("traffic", a);
    },
    { region: a.identity.region },
  );
  return { render: r, traffic: traffic! };
}

const healthChecks = (r: Render) => byType(r, "aws:route53/healthCheck:HealthCheck");
const hcOfType = (r: Render, type: string) => healthChecks(r).filter((h) => h.inputs.type === type);

describe("components/traffic CellTraffic", () => {
  it("aliases the regional name to the load balancer and health-checks it over HTTPS", async () => {
    const { render: r, traffic } = await render(args());
    const regional = named(r, "traffic-regionalRecord");
    assert.equal(regional.inputs.name, "use1.shop.example.com");
    assert.equal(regional.inputs.type, "A");
    assert.deepEqual(regional.inputs.aliases, [
      { name: lbDns, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true },
    ]);
    const https = named(r, "traffic-httpsHealthCheck");
    assert.equal(https.parent, "traffic");
    assert.equal(https.inputs.type, "HTTPS");
    assert.equal(https.inputs.fqdn, "use1.shop.example.com");
    assert.equal(https.inputs.port, 443);
    assert.equal(https.inputs.resourcePath, "/healthz");
    assert.equal(https.inputs.requestInterval, 10);
    assert.equal(https.inputs.failureThreshold, 3);
    assert.equal(https.inputs.measureLatency, true);
    assert.equal(await promiseOf(traffic.healthCheckId), https.id);
    assert.equal(await promiseOf(traffic.regionalName), "use1.shop.example.com");
  });

  it("routes reads by latency to the cell, guarded by the HTTPS check, with the TTL", async () => {
    const { render: r } = await render(args());
    const https = named(r, "traffic-httpsHealthCheck");
    const latency = named(r, "traffic-latencyRecord");
    assert.equal(latency.inputs.name, "api.shop.example.com");
    assert.equal(latency.inputs.type, "CNAME");
    assert.equal(latency.inputs.ttl, 30);
    assert.deepEqual(latency.inputs.records, [lbDns]);
    assert.equal(latency.inputs.setIdentifier, "use1");
    assert.deepEqual(latency.inputs.latencyRoutingPolicies, [{ region: "us-east-1" }]);
    assert.equal(latency.inputs.healthCheckId, https.id);
  });

  it("puts the home cell on the PRIMARY side of the writer pair, guarded by the writer check", async () => {
    const { render: r, traffic } = await render(args());
    const writer = named(r, "traffic-writerHealthCheck");
    const failover = named(r, "traffic-failoverRecord");
    assert.equal(failover.inputs.name, "writer.shop.example.com");
    assert.equal(failover.inputs.type, "CNAME");
    assert.equal(failover.inputs.ttl, 30);
    assert.deepEqual(failover.inputs.records, [lbDns]);
    assert.equal(failover.inputs.setIdentifier, "use1");
    assert.deepEqual(failover.inputs.failoverRoutingPolicies, [{ type: "PRIMARY" }]);
    assert.equal(failover.inputs.healthCheckId, writer.id);
    assert.deepEqual(await promiseOf(traffic.failoverRecord), {
      name: "writer.shop.example.com",
      setIdentifier: "use1",
      role: "PRIMARY",
    });
  });

  it("puts a joiner on the SECONDARY side", async () => {
    const { render: r, traffic } = await render(
      args({ identity: joiner, role: "joiner", loadBalancerZoneId: "Z32O12XQLNTSW2" }),
    );
    const failover = named(r, "traffic-failoverRecord");
    assert.deepEqual(failover.inputs.failoverRoutingPolicies, [{ type: "SECONDARY" }]);
    assert.equal(failover.inputs.setIdentifier, "euw1");
    assert.equal((await promiseOf(traffic.failoverRecord)).role, "SECONDARY");
  });

  it("makes the writer check HTTPS healthy AND every gate open, without nesting calculated checks", async () => {
    const { render: r } = await render(args());
    const writer = named(r, "traffic-writerHealthCheck");
    const https = named(r, "traffic-httpsHealthCheck");
    const gates = byType(r, "aws:route53/healthCheck:HealthCheck").filter(
      (h) => h.inputs.type === "CLOUDWATCH_METRIC",
    );
    assert.equal(gates.length, 2);
    assert.equal(writer.inputs.type, "CALCULATED");
    assert.deepEqual(writer.inputs.childHealthchecks, [https.id, ...gates.map((g) => g.id)]);
    assert.equal(writer.inputs.childHealthThreshold, 3);
    const children = writer.inputs.childHealthchecks as string[];
    for (const child of byType(r, "aws:route53/healthCheck:HealthCheck")) {
      if (children.includes(child.id!)) assert.notEqual(child.inputs.type, "CALCULATED");
    }
  });

  describe("cloudwatch-gate switch", () => {
    it("creates one gate alarm in each cell region, on the writer gate metric", async () => {
      const { render: r } = await render(
        args({ cellRegions: ["us-east-1", "eu-west-1", "us-west-2"] }),
      );
      const alarms = byType(r, "aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.equal(alarms.length, 3);
      for (const [code, region] of [
        ["use1", "us-east-1"],
        ["euw1", "eu-west-1"],
        ["usw2", "us-west-2"],
      ]) {
        const alarm = named(r, `traffic-writerGateAlarm-${code}`);
        // Created in that region: the ARN AWS returns is in it.
        assert.ok(String(alarm.state.arn).startsWith(`arn:aws:cloudwatch:${region}:`));
        // Only other regions override the provider's region.
        assert.equal(alarm.inputs.region, region === "us-east-1" ? undefined : region);
        assert.equal(alarm.inputs.name, `shop-use1-writer-gate-${region}`);
        assert.equal(alarm.inputs.namespace, "DR/TrafficSwitch");
        assert.equal(alarm.inputs.metricName, "WriterGate");
        assert.deepEqual(alarm.inputs.dimensions, { App: "shop", Cell: "use1" });
        assert.equal(alarm.inputs.comparisonOperator, "LessThanThreshold");
        assert.equal(alarm.inputs.threshold, 1);
        assert.equal(alarm.inputs.treatMissingData, "ignore");
        // Route 53 reads only standard-resolution alarms.
        assert.equal(alarm.inputs.period, 60);
        assert.equal(alarm.inputs.evaluationPeriods, 1);
      }
    });

    it("reads each gate through a CLOUDWATCH_METRIC check and requires ALL gates open", async () => {
      const { render: r } = await render(args());
      const gateChecks = hcOfType(r, "CLOUDWATCH_METRIC");
      assert.equal(gateChecks.length, 2);
      for (const [code, region] of [
        ["use1", "us-east-1"],
        ["euw1", "eu-west-1"],
      ]) {
        const check = named(r, `traffic-writerGateHealthCheck-${code}`);
        const alarm = named(r, `traffic-writerGateAlarm-${code}`);
        assert.equal(check.inputs.cloudwatchAlarmName, alarm.state.name);
        assert.equal(check.inputs.cloudwatchAlarmRegion, region);
        assert.equal(check.inputs.insufficientDataHealthStatus, "LastKnownStatus");
      }
      const sw = named(r, "traffic-switchHealthCheck");
      assert.equal(sw.inputs.type, "CALCULATED");
      assert.deepEqual(
        [...(sw.inputs.childHealthchecks as string[])].sort(),
        gateChecks.map((g) => g.id).sort(),
      );
      assert.equal(sw.inputs.childHealthThreshold, 2);
    });

    it("publishes the manifest's switch shape with every gate's alarm and check", async () => {
      const { render: r, traffic } = await render(args());
      const sw = await promiseOf(traffic.switch);
      assert.equal(trafficSwitchSchema.safeParse(sw).success, true);
      assert.deepEqual(sw, {
        type: "cloudwatch-gate",
        namespace: "DR/TrafficSwitch",
        metricName: "WriterGate",
        dimensions: { App: "shop", Cell: "use1" },
        gates: [
          {
            region: "us-east-1",
            alarmName: "shop-use1-writer-gate-us-east-1",
            healthCheckId: named(r, "traffic-writerGateHealthCheck-use1").id,
          },
          {
            region: "eu-west-1",
            alarmName: "shop-use1-writer-gate-eu-west-1",
            healthCheckId: named(r, "traffic-writerGateHealthCheck-euw1").id,
          },
        ],
      });
    });
  });

  describe("arc-routing-control switch", () => {
    const arc = {
      type: "arc-routing-control" as const,
      clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc-123",
      routingControlArn:
        "arn:aws:route53-recovery-control::123456789012:controlpanel/cp1/routingcontrol/rc1",
    };

    it("uses a RECOVERY_CONTROL check on the routing control instead of gates", async () => {
      const { render: r, traffic } = await render(args({ trafficSwitch: arc }));
      assert.equal(byType(r, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
      const sw = named(r, "traffic-switchHealthCheck");
      assert.equal(sw.inputs.type, "RECOVERY_CONTROL");
      assert.equal(sw.inputs.routingControlArn, arc.routingControlArn);
      const writer = named(r, "traffic-writerHealthCheck");
      assert.deepEqual(writer.inputs.childHealthchecks, [
        named(r, "traffic-httpsHealthCheck").id,
        sw.id,
      ]);
      assert.deepEqual(await promiseOf(traffic.switch), { ...arc, healthCheckId: sw.id });
    });
  });

  it("publishes a traffic section that fits the DR manifest", async () => {
    const { render: r, traffic } = await render(args());
    const section = await promiseOf(traffic.manifestTraffic);
    const manifest = { ...sampleManifest("us-east-1"), traffic: section };
    const parsed = drManifestSchema.safeParse(manifest);
    assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
    assert.equal(section.healthCheck.healthCheckId, named(r, "traffic-httpsHealthCheck").id);
    assert.equal(section.healthCheck.writerHealthCheckId, named(r, "traffic-writerHealthCheck").id);
    assert.equal(section.ttlSeconds, 30);
    assert.deepEqual(section.latencyRecord, {
      name: "api.shop.example.com",
      setIdentifier: "use1",
    });
  });

  it("applies the documented defaults", async () => {
    const { render: r } = await render({
      identity: home,
      role: "home",
      hostedZoneId: "Z04912345EXAMPLE0DR",
      zoneName: "shop.example.com",
      loadBalancerDnsName: lbDns,
      loadBalancerZoneId: "Z35SXDOTRQ7X7K",
      cellRegions: ["us-east-1", "eu-west-1"],
    });
    const https = named(r, "traffic-httpsHealthCheck");
    assert.equal(https.inputs.requestInterval, 10);
    assert.equal(https.inputs.failureThreshold, 3);
    assert.equal(https.inputs.resourcePath, "/healthz");
    assert.equal(named(r, "traffic-latencyRecord").inputs.ttl, 60);
    assert.equal(named(r, "traffic-latencyRecord").inputs.name, "api.shop.example.com");
    assert.equal(named(r, "traffic-failoverRecord").inputs.name, "writer.shop.example.com");
    assert.equal(hcOfType(r, "CLOUDWATCH_METRIC").length, 2, "cloudwatch-gate by default");
  });

  it("never lets `pulumi up` undo a fence applied by inverting a health check", async () => {
    for (const trafficSwitch of [
      { type: "cloudwatch-gate" as const },
      {
        type: "arc-routing-control" as const,
        clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc-123",
        routingControlArn:
          "arn:aws:route53-recovery-control::123456789012:controlpanel/cp1/routingcontrol/rc1",
      },
    ]) {
      const { render: r } = await render(args({ trafficSwitch }));
      const checks = healthChecks(r);
      assert.ok(checks.length >= 3);
      for (const check of checks) {
        assert.deepEqual(
          check.ignoreChanges,
          outOfBandProperties("aws:route53/healthCheck:HealthCheck"),
        );
        assert.ok(check.ignoreChanges.includes("invertHealthcheck"), check.name);
        assert.equal(check.inputs.invertHealthcheck, undefined, "the program never inverts");
      }
    }
  });

  it("keeps every health-checked record at TTL <= 60", async () => {
    const { render: r } = await render(args({ ttlSeconds: 60 }));
    const records = byType(r, "aws:route53/record:Record").filter(
      (rec: RenderedResource) => rec.inputs.healthCheckId !== undefined,
    );
    assert.equal(records.length, 2);
    assert.ok(records.every((rec) => (rec.inputs.ttl as number) <= 60));
  });

  it("warns that a failover pair has room for only one joiner", async () => {
    const { render: r } = await render(
      args({ cellRegions: ["us-east-1", "eu-west-1", "us-west-2"] }),
    );
    assert.ok(
      r.logs.some((l) => l.severity === "warn" && /one PRIMARY and one SECONDARY/.test(l.message)),
    );
  });

  describe("rejects bad args, naming the key and the fix", () => {
    const cases: Array<[string, Partial<CellTrafficArgs>, RegExp]> = [
      ["TTL over 60", { ttlSeconds: 120 }, /ttlSeconds is 120;.*1 to 60/],
      ["TTL of 0", { ttlSeconds: 0 }, /ttlSeconds is 0;.*1 to 60/],
      [
        "threshold over 10",
        { healthCheckFailureThreshold: 11 },
        /healthCheckFailureThreshold is 11;.*1 to 10/,
      ],
      [
        "threshold of 0",
        { healthCheckFailureThreshold: 0 },
        /healthCheckFailureThreshold is 0;.*1 to 10/,
      ],
      [
        "interval of 15",
        { healthCheckIntervalSeconds: 15 },
        /healthCheckIntervalSeconds is 15;.*10 or 30/,
      ],
      [
        "a path without /",
        { healthCheckPath: "healthz" },
        /healthCheckPath 'healthz'.*start it with '\/'/,
      ],
      ["a bad zone", { zoneName: "Shop.Example" }, /zoneName 'Shop.Example'/],
      [
        "a misspelt region",
        { cellRegions: ["us-east-1", "eu-wset-1"] },
        /cellRegions\[1\] 'eu-wset-1'/,
      ],
      [
        "a duplicate region",
        { cellRegions: ["us-east-1", "us-east-1"] },
        /cellRegions\[1\].*twice/,
      ],
      [
        "cellRegions without its own",
        { cellRegions: ["eu-west-1"] },
        /must include this cell's own region us-east-1/,
      ],
      [
        "writer and service names equal",
        { serviceName: "api", writerName: "api" },
        /serviceName and writerName are both 'api'/,
      ],
      [
        "a bad routing control ARN",
        {
          trafficSwitch: {
            type: "arc-routing-control",
            clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc",
            routingControlArn: "rc1",
          },
        },
        /trafficSwitch\.routingControlArn 'rc1'/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => {
        await assert.rejects(render(args(overrides)), message);
      });
    }
  });
});
