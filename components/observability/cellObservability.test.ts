/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read untyped provider inputs */
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CellObservability, CellObservabilityArgs } from "./cellObservability";
import { auroraLagAlarm, dynamodbLagAlarm, mskLagAlarm } from "./alarms";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";
import type { Render, RenderedResource } from "../../plan/render";

const identity = { app: "shop", cell: "use1", region: "us-east-1" };
const thresholds = {
  auroraLagSeconds: 5,
  dynamodbLagSeconds: 3,
  mskLagSeconds: 60,
  loadBalancer5xxPerMinute: 50,
};

const lateAlarm = {
  comparisonOperator: "GreaterThanThreshold",
  evaluationPeriods: 1,
  metricName: "ReplicationLatency",
  namespace: "AWS/DynamoDB",
  period: 60,
  statistic: "Average",
  threshold: 1,
};

function args(overrides: Partial<CellObservabilityArgs> = {}): CellObservabilityArgs {
  return {
    identity,
    peerRegions: ["eu-west-1", "us-west-2"],
    auroraClusterIdentifier: "shop-use1",
    tableNames: ["orders", "carts"],
    replicators: [
      { sourceRegion: "eu-west-1", replicatorName: "shop-use1-msk-from-euw1-enhanced" },
      { sourceRegion: "us-west-2", replicatorName: "shop-use1-msk-from-usw2-enhanced" },
    ],
    loadBalancerArnSuffix: "app/shop-use1/0123456789abcdef",
    thresholds,
    ...overrides,
  };
}

async function render(a: CellObservabilityArgs) {
  let component: CellObservability | undefined;
  const r = await renderComponent(() => {
    component = new CellObservability("obs", a);
  });
  return { render: r, component: component! };
}

function alarms(r: Render): RenderedResource[] {
  return byType(r, "aws:cloudwatch/metricAlarm:MetricAlarm");
}

function alarmOn(r: Render, metricName: string, dims: Record<string, string>): RenderedResource {
  const found = alarms(r).filter(
    (a) =>
      a.inputs.metricName === metricName &&
      Object.entries(dims).every(([k, v]) => (a.inputs.dimensions as any)?.[k] === v),
  );
  assert.equal(found.length, 1, `one ${metricName} alarm on ${JSON.stringify(dims)}`);
  return found[0];
}

describe("components/observability CellObservability", () => {
  it("alarms on Aurora, every table x peer region, every replicator and the load balancer", async () => {
    const { render: r, component } = await render(args());
    // 1 Aurora + 2 tables x 2 peers + 2 MSK replicators + 1 ALB
    assert.equal(alarms(r).length, 8);
    for (const table of ["orders", "carts"]) {
      for (const peer of ["eu-west-1", "us-west-2"]) {
        const a = alarmOn(r, "ReplicationLatency", { TableName: table, ReceivingRegion: peer });
        assert.equal(a.inputs.namespace, "AWS/DynamoDB");
        assert.equal(a.inputs.name, `shop-use1-ddb-lag-${table}-${peer}`);
      }
    }
    const aurora = alarmOn(r, "AuroraGlobalDBReplicationLag", {
      DBClusterIdentifier: "shop-use1",
    });
    assert.equal(aurora.inputs.namespace, "AWS/RDS");
    for (const [peer, code] of [
      ["eu-west-1", "euw1"],
      ["us-west-2", "usw2"],
    ]) {
      const msk = alarmOn(r, "ReplicationLatency", {
        ReplicatorName: `shop-use1-msk-from-${code}-enhanced`,
      });
      assert.equal(msk.inputs.namespace, "AWS/Kafka");
      assert.equal(msk.name, `obs-mskLagAlarm-${code}`);
      assert.equal(msk.inputs.name, `shop-use1-msk-replication-lag-${peer}`);
    }
    const alb = alarmOn(r, "HTTPCode_ELB_5XX_Count", {
      LoadBalancer: "app/shop-use1/0123456789abcdef",
    });
    assert.equal(alb.inputs.namespace, "AWS/ApplicationELB");
    assert.equal(alb.inputs.statistic, "Sum");
    assert.equal(alb.inputs.period, 60);
    assert.equal(alb.inputs.threshold, 50);

    const arns = await promiseOf(component.alarmArns);
    assert.deepEqual(
      [...arns].sort(),
      alarms(r)
        .map((a) => a.state.arn)
        .sort(),
    );
    assert.ok(arns.every((arn) => arn.startsWith("arn:aws:cloudwatch:us-east-1:")));
  });

  it("compares lag in milliseconds, the unit the metrics are published in", async () => {
    const { render: r } = await render(args());
    const aurora = alarmOn(r, "AuroraGlobalDBReplicationLag", { DBClusterIdentifier: "shop-use1" });
    assert.equal(aurora.inputs.threshold, 5000);
    const ddb = alarmOn(r, "ReplicationLatency", {
      TableName: "orders",
      ReceivingRegion: "eu-west-1",
    });
    assert.equal(ddb.inputs.threshold, 3000);
    const msk = alarmOn(r, "ReplicationLatency", {
      ReplicatorName: "shop-use1-msk-from-euw1-enhanced",
    });
    assert.equal(msk.inputs.threshold, 60000);
    for (const a of [aurora, ddb, msk]) {
      assert.equal(a.inputs.comparisonOperator, "GreaterThanThreshold");
      // No data is normal (nothing to replicate, or this cluster is the writer).
      assert.equal(a.inputs.treatMissingData, "notBreaching");
    }
    // The pure specs agree and say so.
    assert.equal(auroraLagAlarm(identity, "c", thresholds).metricUnit, "Milliseconds");
    assert.equal(dynamodbLagAlarm(identity, "t", "eu-west-1", thresholds).threshold, 3000);
    assert.equal(
      mskLagAlarm(identity, "r", "eu-west-1", { ...thresholds, mskLagSeconds: 2 }).threshold,
      2000,
    );
  });

  it("creates an SNS topic when none is given and notifies it on alarm and recovery", async () => {
    const { render: r, component } = await render(args());
    const topic = oneOf(r, "aws:sns/topic:Topic");
    assert.equal(topic.parent, "obs");
    assert.equal(topic.inputs.name, "shop-use1-dr-alarms");
    for (const a of alarms(r)) {
      assert.deepEqual(a.inputs.alarmActions, [topic.state.arn]);
      assert.deepEqual(a.inputs.okActions, [topic.state.arn]);
      assert.equal(a.parent, "obs");
    }
    assert.equal(await promiseOf(component.alarmTopicArn), topic.state.arn);
  });

  it("uses a given SNS topic instead of creating one", async () => {
    const topicArn = "arn:aws:sns:us-east-1:123456789012:oncall";
    const { render: r, component } = await render(args({ alarmTopicArn: topicArn }));
    assert.equal(byType(r, "aws:sns/topic:Topic").length, 0);
    assert.ok(alarms(r).every((a) => (a.inputs.alarmActions as string[])[0] === topicArn));
    assert.equal(await promiseOf(component.alarmTopicArn), topicArn);
  });

  it("creates no MSK alarm without replicators and no Aurora alarm without a cluster", async () => {
    const { render: r } = await render(
      args({ replicators: [], auroraClusterIdentifier: undefined }),
    );
    assert.equal(alarms(r).length, 5);
    assert.ok(alarms(r).every((a) => a.inputs.metricName !== "AuroraGlobalDBReplicationLag"));
    assert.ok(alarms(r).every((a) => a.inputs.namespace !== "AWS/Kafka"));
  });

  it("registers every alarm on a first deploy, while the values they watch are still unknown", async () => {
    // On a first preview, ARNs and ids of resources not created yet are unknown. Whether an
    // alarm exists depends on plain values only, so all of them are registered anyway.
    const unknown = <T>() => pulumi.output(pulumi.unknown as unknown as T);
    const { render: r } = await render(
      args({
        auroraClusterIdentifier: unknown<string>(),
        loadBalancerArnSuffix: unknown<string>(),
        alarmTopicArn: unknown<string>(),
      }),
    );
    assert.equal(alarms(r).length, 8);
    assert.deepEqual(
      alarms(r)
        .map((a) => a.name)
        .sort(),
      [
        "obs-auroraLagAlarm",
        "obs-dynamodbLagAlarm-carts-euw1",
        "obs-dynamodbLagAlarm-carts-usw2",
        "obs-dynamodbLagAlarm-orders-euw1",
        "obs-dynamodbLagAlarm-orders-usw2",
        "obs-loadBalancer5xxAlarm",
        "obs-mskLagAlarm-euw1",
        "obs-mskLagAlarm-usw2",
      ],
    );
  });

  it("(the check above can fail) a resource built inside an apply on an unknown value is never registered", async () => {
    // What the earlier component did with Output table names and replicator names.
    const r = await renderComponent(() => {
      pulumi
        .output(pulumi.unknown as unknown as string)
        .apply((name) => new aws.cloudwatch.MetricAlarm("late", { ...lateAlarm, name }));
    });
    assert.equal(alarms(r).length, 0);
  });

  it("graphs every alarmed metric on one dashboard, with thresholds in the metric's unit", async () => {
    const { render: r, component } = await render(args());
    const dashboard = named(r, "obs-dashboard");
    assert.equal(dashboard.inputs.dashboardName, "shop-use1-dr");
    assert.equal(await promiseOf(component.dashboardName), "shop-use1-dr");
    const body = JSON.parse(String(dashboard.inputs.dashboardBody));
    const [status, ...graphs] = body.widgets;
    assert.equal(status.type, "alarm");
    assert.deepEqual(
      [...status.properties.alarms].sort(),
      alarms(r)
        .map((a) => a.state.arn)
        .sort(),
    );
    assert.equal(graphs.length, 8);
    const metrics = graphs.map((g: any) => g.properties.metrics[0]);
    assert.ok(
      metrics.some(
        (m: string[]) =>
          m.join("|") ===
          "AWS/DynamoDB|ReplicationLatency|TableName|carts|ReceivingRegion|us-west-2",
      ),
    );
    const aurora = graphs.find(
      (g: any) => g.properties.metrics[0][1] === "AuroraGlobalDBReplicationLag",
    );
    assert.equal(aurora.properties.annotations.horizontal[0].value, 5000);
    assert.equal(aurora.properties.yAxis.left.label, "ms");
    assert.ok(graphs.every((g: any) => g.properties.region === "us-east-1"));
  });

  describe("rejects bad args, naming the key and the fix", () => {
    const cases: Array<[string, Partial<CellObservabilityArgs>, RegExp]> = [
      [
        "a peer region that is its own",
        { peerRegions: ["us-east-1"] },
        /peerRegions\[0\].*own region/,
      ],
      [
        "a misspelt peer region",
        { peerRegions: ["eu-west-9"] },
        /peerRegions\[0\].*not an AWS region/,
      ],
      [
        "a zero threshold",
        { thresholds: { ...thresholds, dynamodbLagSeconds: 0 } },
        /thresholds\.dynamodbLagSeconds.*positive number/,
      ],
      ["an empty table name", { tableNames: ["orders", ""] }, /tableNames\[1\].*empty/],
      ["a table listed twice", { tableNames: ["orders", "orders"] }, /tableNames\[1\].*twice/],
      [
        "table names as an Output",
        { tableNames: pulumi.output(["orders"]) as unknown as string[] },
        /tableNames is not a list.*not an Output/,
      ],
      [
        "a replicator from a region that is not a peer",
        { replicators: [{ sourceRegion: "ap-south-1", replicatorName: "r" }] },
        /replicators\[0\]\.sourceRegion is ap-south-1, not one of peerRegions/,
      ],
      [
        "two replicators from one peer",
        {
          replicators: [
            { sourceRegion: "eu-west-1", replicatorName: "a" },
            { sourceRegion: "eu-west-1", replicatorName: "b" },
          ],
        },
        /replicators\[1\]\.sourceRegion 'eu-west-1' has two replicators/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => {
        await assert.rejects(render(args(overrides)), message);
      });
    }

    it("lists every bad arg at once, not only the first", async () => {
      await assert.rejects(
        render(args({ peerRegions: ["mars-1"], tableNames: ["orders", "orders"] })),
        (err: Error) => {
          assert.match(err.message, /dr:observability:CellObservability .* has 4 invalid args/);
          assert.match(err.message, /peerRegions\[0\] 'mars-1'/);
          assert.match(err.message, /tableNames\[1\] 'orders' is listed twice/);
          return true;
        },
      );
    });
  });
});
