import { strict as assert } from "assert";
import * as aws from "../adapters/aws";
import { AwsAdapters } from "../adapters/aws";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Heartbeat } from "../../admission";
import { AdapterError, Adapters } from "../adapters/types";
import { ACCOUNT, EU, eventually, Fixture, ROUTING_CONTROL, US } from "./testing";

/*
 * The project's real AWS adapters (failover/adapters/aws), unchanged, against the emulator:
 * AWS_ENDPOINT_URL points every SDK client at it, as an operator would point `failover` at a
 * test account. Every method of every adapter is called at least once (the last test checks
 * that, so a new adapter method needs a call here), and the simulated world must move.
 */

const ENV = [
  "AWS_ENDPOINT_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
];

describe("emulator: the real AWS adapters, at the wire", () => {
  let fx: Fixture;
  let adapters: Adapters;
  const saved: Record<string, string | undefined> = {};
  const called = new Set<string>();
  const useArn = `arn:aws:rds:${US}:${ACCOUNT}:cluster:shop-use1`;
  const euwArn = `arn:aws:rds:${EU}:${ACCOUNT}:cluster:shop-euw1`;
  const control = "shop-dr-control";

  before(async () => {
    fx = await Fixture.start();
    for (const k of ENV) saved[k] = process.env[k];
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_ENDPOINT_URL = fx.url;
    process.env.AWS_ACCESS_KEY_ID = "AKIDEMULATOR";
    process.env.AWS_SECRET_ACCESS_KEY = "emulator";
    // The ARC adapter keeps one client per endpoint URL, so each cluster endpoint gets its own:
    // the regions' own listeners (any distinct URL would do; the scope names the region).
    const endpoints = fx.emulator.endpoints();
    const real = AwsAdapters({
      arcEndpoints: [
        { region: "us-west-2", url: endpoints["us-west-2"] },
        { region: EU, url: endpoints[EU] },
      ],
    });
    // Records which methods the tests call, to check every one is covered.
    adapters = Object.fromEntries(
      Object.entries(real).map(([service, adapter]) => [
        service,
        new Proxy(adapter as object, {
          get(target, method, receiver) {
            const v = Reflect.get(target, method, receiver) as unknown;
            if (typeof v === "function") called.add(`${service}.${String(method)}`);
            return v;
          },
        }),
      ]),
    ) as unknown as Adapters;
  });

  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    try {
      // The adapters may cache their SDK clients; closing the emulator ends their sockets.
      (aws as { destroyAwsClients?: () => void }).destroyAwsClients?.();
    } finally {
      await fx.close();
    }
  });

  it("sts.callerIdentity", async () => {
    const id = await adapters.sts.callerIdentity(EU);
    assert.equal(id.account, ACCOUNT);
    const [r] = fx.emulator.log.list().slice(-1);
    assert.deepEqual([r.region, r.service, r.operation], [EU, "sts", "GetCallerIdentity"]);
  });

  it("rds: describe, switchover and failover with data loss", async () => {
    const rds = adapters.rds;
    const writer = async () =>
      (await rds.describeGlobalCluster(EU, "shop-global")).members.find((m) => m.isWriter)?.region;
    assert.equal(await writer(), US);
    await rds.switchoverGlobalCluster(EU, "shop-global", euwArn);
    await eventually(async () => ((await writer()) === EU ? true : undefined), "switchover");
    await eventually(
      async () =>
        (await rds.describeGlobalCluster(US, "shop-global")).status === "available"
          ? true
          : undefined,
      "the global cluster to settle",
    );
    await rds.failoverGlobalCluster(US, "shop-global", useArn, { allowDataLoss: true });
    await eventually(async () => ((await writer()) === US ? true : undefined), "failover");
    await assert.rejects(rds.describeGlobalCluster(EU, "no-such"), (e: AdapterError) => {
      assert.equal(e.kind, "not-found");
      assert.equal(e.awsName, "GlobalClusterNotFoundFault");
      return true;
    });
  });

  it("cloudwatch: putMetric closes the gate, alarmStates and latestMetric see it", async () => {
    const cw = adapters.cloudwatch;
    const alarm = "shop-writer-gate-us-east-1";
    const gate = {
      namespace: "DR/TrafficSwitch",
      metricName: "WriterGate",
      dimensions: { App: "shop", Region: "us-east-1" },
    };
    await cw.putMetric(EU, { ...gate, value: 0 });
    await eventually(
      async () => ((await cw.alarmStates(EU, [alarm]))[alarm] === "ALARM" ? true : undefined),
      "the gate alarm",
    );
    assert.deepEqual(await cw.alarmStates(EU, [alarm, "nope"]), {
      [alarm]: "ALARM",
      nope: "MISSING",
    });
    const sample = await cw.latestMetric(EU, {
      ...gate,
      stat: "Minimum",
      periodSeconds: 60,
      lookbackSeconds: 300,
      endTimeMs: Date.now() + 1000,
    });
    assert.equal(sample?.value, 0);
    await cw.putMetric(EU, { ...gate, value: 1 });
    await eventually(
      async () => ((await cw.alarmStates(EU, [alarm]))[alarm] === "OK" ? true : undefined),
      "the gate to reopen",
    );
  });

  it("dynamodb: describeTable, readControl and the conditional control writes", async () => {
    const ddb = adapters.dynamodb;
    const d = await ddb.describeTable(EU, control);
    assert.deepEqual(d.replicas, [{ region: US, status: "ACTIVE" }]);
    const before = await ddb.readControl(EU, control, [US, EU]);
    assert.equal(before.writer?.region, US);
    const fence = { region: US, fenced: true, epoch: 7, runId: "wire-1" };
    assert.deepEqual(await ddb.putFence(EU, control, fence), { outcome: "written" });
    assert.deepEqual(await ddb.putFence(EU, control, fence), { outcome: "written" }, "idempotent");
    assert.deepEqual(await ddb.putFence(EU, control, { ...fence, epoch: 6, runId: "old" }), {
      outcome: "superseded",
      currentEpoch: 7,
    });
    assert.deepEqual(await ddb.putWriter(EU, control, { region: EU, epoch: 7, runId: "wire-1" }), {
      outcome: "written",
    });
    // The run claim, taken and released at the epoch.
    const claim = {
      runId: "wire-1",
      epoch: 7,
      state: "active" as const,
      kind: "switchover",
      from: US,
      to: EU,
    };
    assert.deepEqual(await ddb.claimRun(EU, control, claim), { outcome: "claimed" });
    assert.deepEqual(await ddb.releaseRun(EU, control, { ...claim, state: "finished" }), {
      outcome: "written",
    });
    // The drain marker: written into a data table in one region, seen in the other's replica.
    const key = { pk: { S: "drain#wire-1" } };
    await ddb.putDrainMarker(US, "shop-orders", key, "wire-1");
    assert.equal(await ddb.hasItem(US, "shop-orders", key), true);
    await eventually(
      async () => ((await ddb.hasItem(EU, "shop-orders", key)) ? true : undefined),
      "the drain marker to replicate",
    );
    assert.equal(await ddb.hasItem(EU, "shop-orders", { pk: { S: "drain#none" } }), false);
    // The services' heartbeat (admission/), written in us-east-1, heard in eu-west-1.
    assert.equal(await ddb.lastHeartbeat(EU, control, US), undefined);
    const client = new DynamoDBClient({ region: US });
    try {
      await new Heartbeat({ region: US, tableName: control, dynamodb: client }).beat();
    } finally {
      client.destroy();
    }
    const heard = await eventually(
      async () => await ddb.lastHeartbeat(EU, control, US),
      "the heartbeat to replicate",
    );
    assert.ok(Math.abs(heard - Date.now()) < 10_000);
    // Written in eu-west-1, read back in us-east-1 once the global table replicated it.
    const seen = await eventually(async () => {
      const s = await ddb.readControl(US, control, [US, EU]);
      return s.writer?.region === EU ? s : undefined;
    }, "the control items to replicate");
    assert.deepEqual(
      seen.fences.map((f) => [f.region, f.fenced, f.epoch]),
      [[US, true, 7]],
    );
  });

  it("kafka.describeReplicator", async () => {
    const r = await adapters.kafka.describeReplicator(
      EU,
      fx.manifests[1].stores.msk.replicators[0].replicatorArn,
    );
    assert.equal(r.state, "RUNNING");
    assert.deepEqual(r.sourceClusterArns, [fx.manifests[0].stores.msk.clusterArn]);
    assert.deepEqual(r.targetClusterArns, [fx.manifests[1].stores.msk.clusterArn]);
  });

  it("elasticache: describeGlobalDatastore and failoverGlobalDatastore", async () => {
    const ec = adapters.elasticache;
    const primary = async () =>
      (await ec.describeGlobalDatastore(US, "ldgnf-shop-global")).members.find(
        (m) => m.role === "primary",
      )?.region;
    assert.equal(await primary(), US);
    await ec.failoverGlobalDatastore(US, "ldgnf-shop-global", EU, "shop-euw1");
    await eventually(async () => ((await primary()) === EU ? true : undefined), "cache failover");
  });

  it("lambda: getEventSourceMapping, setEventSourceMappingEnabled through Disabling; missing -> not-found", async () => {
    const consumer = fx.manifests[0].stores.functions!.consumers.find((x) => x.writerOnly)!;
    const uuid = consumer.eventSourceMappingUuid;
    const m = await adapters.lambda.getEventSourceMapping(US, uuid);
    assert.deepEqual(
      { state: m.state, source: m.eventSourceArn, fn: m.functionArn },
      { state: "Enabled", source: consumer.sourceArn, fn: consumer.functionArn },
    );
    const after = await adapters.lambda.setEventSourceMappingEnabled(US, uuid, false);
    assert.equal(after.state, "Disabling");
    await eventually(
      async () =>
        (await adapters.lambda.getEventSourceMapping(US, uuid)).state === "Disabled" || undefined,
      "mapping disabled",
    );
    await assert.rejects(adapters.lambda.getEventSourceMapping(EU, uuid), (e: AdapterError) => {
      assert.equal(e.kind, "not-found");
      return true;
    });
  });

  it("sqs.queueDepth: the cell queue's approximate counts; a missing queue -> not-found", async () => {
    const d = await adapters.sqs.queueDepth(EU, fx.manifests[1].stores.queue.queueUrl);
    assert.deepEqual(Object.keys(d).sort(), ["delayed", "notVisible", "visible"]);
    assert.ok(Object.values(d).every((n) => Number.isInteger(n) && n >= 0));
    await assert.rejects(
      adapters.sqs.queueDepth(EU, `https://sqs.${EU}.amazonaws.com/${ACCOUNT}/nope`),
      (e: AdapterError) => {
        assert.equal(e.kind, "not-found");
        return true;
      },
    );
  });

  it("route53.healthCheckStatus", async () => {
    const s = await adapters.route53.healthCheckStatus("hc-https-euw1");
    assert.deepEqual(s, {
      healthCheckId: "hc-https-euw1",
      healthy: true,
      checkersReporting: 8,
      checkersHealthy: 8,
    });
  });

  it("arc: get and update routing controls through the cluster endpoints", async () => {
    const arc = adapters.arc;
    // eu-west-1 is not the writer: its routing control starts Off.
    assert.equal(await arc.getRoutingControlState(ROUTING_CONTROL), "Off");
    await arc.updateRoutingControlStates([{ routingControlArn: ROUTING_CONTROL, state: "On" }], {
      avoidRegions: [EU],
    });
    assert.equal(await arc.getRoutingControlState(ROUTING_CONTROL, { avoidRegions: [EU] }), "On");
    const last = fx.emulator.log.list().slice(-2);
    assert.deepEqual(
      last.map((r) => [r.region, r.service, r.operation, r.via]),
      [
        ["us-west-2", "route53-recovery-cluster", "UpdateRoutingControlStates", "us-west-2"],
        ["us-west-2", "route53-recovery-cluster", "GetRoutingControlState", "us-west-2"],
      ],
    );
    await arc.updateRoutingControlStates([{ routingControlArn: ROUTING_CONTROL, state: "Off" }]);
  });

  it("maps injected AWS errors the way the engine expects", async () => {
    await fx.emulator.setFaults([
      { type: "error", region: EU, service: "dynamodb", code: "ThrottlingException" },
    ]);
    try {
      await assert.rejects(adapters.dynamodb.readControl(EU, control, [EU]), (e: AdapterError) => {
        assert.equal(e.kind, "transient");
        assert.equal(e.awsName, "ThrottlingException");
        return true;
      });
    } finally {
      await fx.emulator.setFaults([]);
    }
  });

  it("every adapter method was called above", () => {
    const all = Object.entries(AwsAdapters({})).flatMap(([service, adapter]) =>
      Object.keys(adapter as object)
        .filter((m) => typeof (adapter as Record<string, unknown>)[m] === "function")
        .map((m) => `${service}.${m}`),
    );
    const missing = all.filter((m) => !called.has(m));
    assert.deepEqual(missing, [], `add a call for ${missing.join(", ")} to this test`);
  });
});
