import { strict as assert } from "assert";
import { CellTraffic, CellTrafficArgs } from "./cellTraffic";
import { byType, named, promiseOf, renderComponent } from "../../testing";
import { drManifestSchema, trafficSwitchSchema } from "../../manifest/schema";
import { sampleManifest } from "../../manifest/sample";
import { outOfBandProperties } from "../switchover/outOfBand";
import type { Render, RenderedResource } from "../../plan/render";

const home = { app: "shop", cell: "use1", region: "us-east-1" };
const lbDns = "shop-use1-123456789.us-east-1.elb.amazonaws.com";
/** The gate prod-euw1 hosts in eu-west-1 for the us-east-1 cell, as its manifest has it. */
const peerGate = {
  region: "eu-west-1",
  alarmName: "shop-writer-gate-us-east-1",
  healthCheckId: "hc-gate-use1-in-euw1",
  hostedBy: "prod-euw1",
};

function args(overrides: Partial<CellTrafficArgs> = {}): CellTrafficArgs {
  return {
    identity: home,
    stackName: "prod-use1",
    hostedZoneId: "Z04912345EXAMPLE0DR",
    zoneName: "shop.example.com",
    ttlSeconds: 30,
    healthCheckPath: "/healthz",
    healthCheckIntervalSeconds: 10,
    healthCheckFailureThreshold: 3,
    loadBalancerDnsName: lbDns,
    loadBalancerZoneId: "Z35SXDOTRQ7X7K",
    cellRegions: ["us-east-1", "eu-west-1"],
    trafficSwitch: { type: "cloudwatch-gate", witnessRegions: ["us-west-2"] },
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

  it("hosts, in its own region, a gate for every cell: closed until opened, read by Route 53", async () => {
    const { render: r } = await render(args());
    for (const [forRegion, code] of [
      ["us-east-1", "use1"],
      ["eu-west-1", "euw1"],
    ]) {
      const alarm = named(r, `traffic-writerGateAlarm-${code}`);
      assert.equal(alarm.inputs.region, undefined, "in the stack's own region");
      assert.equal(alarm.inputs.name, `shop-writer-gate-${forRegion}`);
      assert.equal(alarm.inputs.namespace, "DR/TrafficSwitch");
      assert.equal(alarm.inputs.metricName, "WriterGate");
      assert.deepEqual(alarm.inputs.dimensions, { App: "shop", Region: forRegion });
      assert.equal(alarm.inputs.statistic, "Minimum");
      assert.equal(alarm.inputs.period, 60, "Route 53 reads standard-resolution alarms only");
      assert.equal(alarm.inputs.comparisonOperator, "LessThanThreshold");
      assert.equal(alarm.inputs.threshold, 1);
      assert.equal(alarm.inputs.treatMissingData, "ignore");
      const check = named(r, `traffic-writerGateHealthCheck-${code}`);
      assert.equal(check.inputs.type, "CLOUDWATCH_METRIC");
      assert.equal(check.inputs.cloudwatchAlarmName, alarm.inputs.name);
      assert.equal(check.inputs.cloudwatchAlarmRegion, "us-east-1");
      assert.equal(check.inputs.insufficientDataHealthStatus, "Unhealthy");
    }
    const witness = named(r, "traffic-witnessGateAlarm-usw2");
    assert.equal(witness.inputs.region, "us-west-2", "a witness gate lives in the witness region");
    assert.deepEqual(witness.inputs.dimensions, { App: "shop", Region: "us-east-1" });
    assert.equal(
      named(r, "traffic-witnessGateHealthCheck-usw2").inputs.cloudwatchAlarmRegion,
      "us-west-2",
    );
    // No alarm of this stack lives in a peer cell's region: the stack survives its loss.
    const regions = byType(r, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) =>
      String(a.inputs.region ?? "us-east-1"),
    );
    assert.deepEqual([...new Set(regions)].sort(), ["us-east-1", "us-west-2"]);
  });

  it("defers the writer record until every peer has published the gate it hosts for this cell", async () => {
    const { render: r, traffic } = await render(args());
    assert.deepEqual(traffic.waitingForGates, ["eu-west-1"]);
    assert.equal(byType(r, "aws:route53/record:Record").length, 2, "regional and latency only");
    assert.equal(hcOfType(r, "CALCULATED").length, 0);
    const section = await promiseOf(traffic.manifestTraffic);
    assert.equal(section.writerRecord, null);
    assert.equal(section.healthCheck.writerHealthCheckId, null);
    assert.deepEqual(
      section.hostedGates.map((g) => [g.forRegion, g.region, g.alarmName]),
      [["eu-west-1", "us-east-1", "shop-writer-gate-eu-west-1"]],
    );
  });

  it("routes writers by weight to the cell whose gates are open in a majority of gate regions", async () => {
    const { render: r, traffic } = await render(args({ peerGates: [peerGate] }));
    assert.deepEqual(traffic.waitingForGates, []);
    const writer = named(r, "traffic-writerHealthCheck");
    assert.equal(writer.inputs.type, "CALCULATED");
    assert.deepEqual(writer.inputs.childHealthchecks, [
      named(r, "traffic-writerGateHealthCheck-use1").id,
      "hc-gate-use1-in-euw1",
      named(r, "traffic-witnessGateHealthCheck-usw2").id,
    ]);
    assert.equal(writer.inputs.childHealthThreshold, 2, "a majority of 3");
    const https = named(r, "traffic-httpsHealthCheck").id;
    assert.ok(
      !(writer.inputs.childHealthchecks as string[]).includes(String(https)),
      "HTTPS never moves writers",
    );
    const record = named(r, "traffic-writerRecord");
    assert.equal(record.inputs.name, "writer.shop.example.com");
    assert.equal(record.inputs.type, "CNAME");
    assert.deepEqual(record.inputs.weightedRoutingPolicies, [{ weight: 100 }]);
    assert.equal(record.inputs.failoverRoutingPolicies, undefined);
    assert.equal(record.inputs.setIdentifier, "use1");
    assert.equal(record.inputs.healthCheckId, writer.id);
    assert.equal(record.inputs.ttl, 30);
    const sw = await promiseOf(traffic.switch);
    assert.equal(trafficSwitchSchema.safeParse(sw).success, true);
    assert.deepEqual(sw, {
      type: "cloudwatch-gate",
      namespace: "DR/TrafficSwitch",
      metricName: "WriterGate",
      dimensions: { App: "shop", Region: "us-east-1" },
      gateRegions: ["us-east-1", "eu-west-1", "us-west-2"],
      witnessRegions: ["us-west-2"],
      quorum: 2,
      gates: [
        {
          region: "us-east-1",
          alarmName: "shop-writer-gate-us-east-1",
          healthCheckId: named(r, "traffic-writerGateHealthCheck-use1").id,
          hostedBy: "prod-use1",
        },
        { ...peerGate },
        {
          region: "us-west-2",
          alarmName: "shop-writer-gate-us-east-1",
          healthCheckId: named(r, "traffic-witnessGateHealthCheck-usw2").id,
          hostedBy: "prod-use1",
        },
      ],
    });
  });

  it("takes a majority of N cells without a witness", async () => {
    const { render: r } = await render(
      args({
        cellRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        trafficSwitch: { type: "cloudwatch-gate", witnessRegions: [] },
        peerGates: [
          peerGate,
          { ...peerGate, region: "ap-southeast-1", healthCheckId: "hc-x", hostedBy: "prod-apse1" },
        ],
      }),
    );
    assert.equal(hcOfType(r, "CLOUDWATCH_METRIC").length, 3, "one gate per cell, here");
    assert.equal(named(r, "traffic-writerHealthCheck").inputs.childHealthThreshold, 2);
  });

  it("uses the ARC routing control's check as the writer check", async () => {
    const arc = {
      type: "arc-routing-control" as const,
      clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc-123",
      routingControlArn:
        "arn:aws:route53-recovery-control::123456789012:controlpanel/cp1/routingcontrol/rc1",
    };
    const { render: r, traffic } = await render(args({ trafficSwitch: arc }));
    assert.equal(hcOfType(r, "CLOUDWATCH_METRIC").length, 0);
    const writer = named(r, "traffic-writerHealthCheck");
    assert.equal(writer.inputs.type, "RECOVERY_CONTROL");
    assert.equal(writer.inputs.routingControlArn, arc.routingControlArn);
    assert.equal(named(r, "traffic-writerRecord").inputs.healthCheckId, writer.id);
    const sw = await promiseOf(traffic.switch);
    assert.deepEqual(sw, {
      type: "arc-routing-control",
      clusterArn: arc.clusterArn,
      routingControlArn: arc.routingControlArn,
      healthCheckId: writer.id,
    });
  });

  it("publishes a traffic section that fits the DR manifest", async () => {
    const { render: r, traffic } = await render(args({ peerGates: [peerGate] }));
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
      stackName: "prod-use1",
      hostedZoneId: "Z04912345EXAMPLE0DR",
      zoneName: "shop.example.com",
      loadBalancerDnsName: lbDns,
      loadBalancerZoneId: "Z35SXDOTRQ7X7K",
      cellRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
    });
    const https = named(r, "traffic-httpsHealthCheck");
    assert.equal(https.inputs.requestInterval, 10);
    assert.equal(https.inputs.failureThreshold, 3);
    assert.equal(https.inputs.resourcePath, "/healthz");
    assert.equal(named(r, "traffic-latencyRecord").inputs.ttl, 60);
    assert.equal(named(r, "traffic-latencyRecord").inputs.name, "api.shop.example.com");
    assert.equal(hcOfType(r, "CLOUDWATCH_METRIC").length, 3, "cloudwatch-gate by default");
  });

  it("never lets `pulumi up` undo a fence applied by inverting a health check", async () => {
    for (const trafficSwitch of [
      { type: "cloudwatch-gate" as const, witnessRegions: ["us-west-2"] },
      {
        type: "arc-routing-control" as const,
        clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc-123",
        routingControlArn:
          "arn:aws:route53-recovery-control::123456789012:controlpanel/cp1/routingcontrol/rc1",
      },
    ]) {
      const { render: r } = await render(args({ trafficSwitch, peerGates: [peerGate] }));
      const checks = healthChecks(r);
      assert.ok(checks.length >= 2);
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
    const { render: r } = await render(args({ ttlSeconds: 60, peerGates: [peerGate] }));
    const records = byType(r, "aws:route53/record:Record").filter(
      (rec: RenderedResource) => rec.inputs.healthCheckId !== undefined,
    );
    assert.equal(records.length, 2, "the latency and the writer record");
    assert.ok(records.every((rec) => (rec.inputs.ttl as number) <= 60));
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
        "two gate regions",
        { trafficSwitch: { type: "cloudwatch-gate", witnessRegions: [] } },
        /trafficSwitch\.witnessRegions leaves 2 gate regions.*needs 3/,
      ],
      [
        "a witness that is a cell region",
        { trafficSwitch: { type: "cloudwatch-gate", witnessRegions: ["eu-west-1"] } },
        /witnessRegions\[0\] 'eu-west-1' must be an AWS region that holds no cell/,
      ],
      [
        "a peer gate from no peer",
        { peerGates: [{ ...peerGate, region: "us-west-1" }] },
        /peerGates\[0\]\.region 'us-west-1' is not a peer cell's region/,
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

    it("lists every bad arg at once, not only the first", async () => {
      await assert.rejects(
        render(args({ ttlSeconds: 120, healthCheckFailureThreshold: 11, healthCheckPath: "x" })),
        (err: Error) => {
          assert.match(err.message, /dr:traffic:CellTraffic .* has 3 invalid args/);
          assert.match(err.message, /ttlSeconds is 120/);
          assert.match(err.message, /healthCheckFailureThreshold is 11/);
          assert.match(err.message, /healthCheckPath 'x'/);
          return true;
        },
      );
    });
  });
});
