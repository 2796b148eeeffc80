import { strict as assert } from "assert";
import { DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { FaultSpec, parseFaults } from "./faults";
import { RequestRecord } from "./log";
import { EU, eventually, Fixture, US } from "./testing";

/*
 * Faults at the socket and in the simulated world, seen by the real SDK clients: a black hole
 * never answers (the client gives up through its AbortSignal), a reset is a socket error, a
 * refused region's own port refuses connections, an error storm answers the chosen error,
 * and outages and partitions change what the models do. Each shows in the request record.
 */

type SdkError = Error & { code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };

describe("emulator: faults", () => {
  let fx: Fixture;
  const records = async () =>
    (await fx.admin<{ requests: RequestRecord[] }>("requests")).json.requests;
  const setFaults = async (faults: unknown[]) => {
    const r = await fx.admin<{ faults: FaultSpec[] }>("faults", faults);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const now = async () => (await fx.admin<{ now: number }>("faults")).json.now;
  const describeIn = (region: string, signal?: AbortSignal, endpoint?: string) =>
    fx
      .client(RDSClient, region, endpoint)
      .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }), {
        abortSignal: signal,
      });

  before(async () => {
    fx = await Fixture.start();
  });
  beforeEach(async () => {
    await setFaults([]);
    await fx.admin("reset-requests", {});
  });
  after(() => fx.close());

  it("black-hole: the region's calls never answer (the client aborts); others do", async () => {
    await setFaults([{ type: "black-hole", region: EU, service: "rds" }]);
    const started = Date.now();
    await assert.rejects(describeIn(EU, AbortSignal.timeout(300)), (e: Error) => {
      assert.equal(e.name, "AbortError");
      return true;
    });
    assert.ok(Date.now() - started >= 290, "held until the client gave up");
    assert.equal((await describeIn(US)).GlobalClusters!.length, 1);
    // Other services of the black-holed region still answer.
    await fx.client(STSClient, EU).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      (await records()).map((r) => [r.region, r.service, r.status, r.fault]),
      [
        [EU, "rds", undefined, "black-hole"],
        [US, "rds", 200, undefined],
        [EU, "sts", 200, undefined],
      ],
    );
  });

  it("black-hole by operation: GetItem answers while PutItem hangs", async () => {
    await setFaults([
      { type: "black-hole", region: EU, service: "dynamodb", operation: "PutItem" },
    ]);
    const ddb = fx.client(DynamoDBClient, EU);
    const key = { pk: { S: "writer" } };
    assert.ok(
      (await ddb.send(new GetItemCommand({ TableName: "shop-dr-control", Key: key }))).Item,
    );
    await assert.rejects(
      ddb.send(new PutItemCommand({ TableName: "shop-orders", Item: { pk: { S: "o" } } }), {
        abortSignal: AbortSignal.timeout(200),
      }),
      { name: "AbortError" },
    );
  });

  it("reset: the socket is destroyed after the request is read", async () => {
    await setFaults([{ type: "reset", region: EU }]);
    await assert.rejects(describeIn(EU), (e: SdkError) => {
      assert.equal(e.code, "ECONNRESET", `${e.name}: ${e.message}`);
      return true;
    });
    assert.deepEqual(
      (await records()).map((r) => [r.region, r.operation, r.status, r.fault]),
      [[EU, "DescribeGlobalClusters", undefined, "reset"]],
    );
  });

  it("slow: the reply comes late, and the call still takes effect", async () => {
    await setFaults([{ type: "slow", region: US, service: "sts", delayMs: 300 }]);
    const started = Date.now();
    await fx.client(STSClient, US).send(new GetCallerIdentityCommand({}));
    assert.ok(Date.now() - started >= 300);
    const [r] = await records();
    assert.deepEqual([r.status, r.fault], [200, "slow"]);
  });

  it("error storm at rate 1: every call gets the chosen error, in the service's protocol", async () => {
    await setFaults([
      { type: "error", region: EU, service: "dynamodb", code: "ThrottlingException" },
      { type: "error", region: EU, service: "sts", code: "InternalFailure", rate: 1 },
      {
        type: "error",
        region: EU,
        service: "elasticache",
        code: "InvalidGlobalReplicationGroupState",
        message: "the datastore is busy",
      },
      { type: "error", region: EU, service: "rds", code: "ServiceUnavailable", status: 503 },
    ]);
    const expectError = async (p: Promise<unknown>, name: string, status: number) =>
      assert.rejects(p, (e: SdkError) => {
        assert.equal(e.name, name, e.message);
        assert.equal(e.$metadata?.httpStatusCode, status);
        return true;
      });
    for (let i = 0; i < 3; i++) {
      await expectError(
        fx
          .client(DynamoDBClient, EU)
          .send(new GetItemCommand({ TableName: "shop-dr-control", Key: { pk: { S: "writer" } } })),
        "ThrottlingException",
        400,
      );
    }
    await expectError(
      fx.client(STSClient, EU).send(new GetCallerIdentityCommand({})),
      "InternalFailure",
      500,
    );
    await expectError(
      fx.client(ElastiCacheClient, EU).send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: "ldgnf-shop-global",
          PrimaryRegion: EU,
          PrimaryReplicationGroupId: "shop-euw1",
        }),
      ),
      "InvalidGlobalReplicationGroupStateFault",
      400,
    );
    await expectError(describeIn(EU), "ServiceUnavailable", 503);
    // The storm decided before the service saw the call: the cache did not fail over.
    const state = (await fx.admin<{ cache: { primary: string } }>("state")).json;
    assert.equal(state.cache.primary, US);
    const recs = await records();
    assert.ok(recs.every((r) => r.fault === "error" && r.region === EU));
    assert.deepEqual(
      recs.map((r) => r.error),
      [
        "ThrottlingException",
        "ThrottlingException",
        "ThrottlingException",
        "InternalFailure",
        "InvalidGlobalReplicationGroupState",
        "ServiceUnavailable",
      ],
    );
  });

  it("error storm at rate 0.5 fails a fraction of calls; at/until bound it in time", async () => {
    const t = await now();
    await setFaults([
      { type: "error", region: US, service: "sts", code: "ThrottlingException", rate: 0.5 },
      {
        type: "error",
        region: EU,
        service: "sts",
        code: "InternalFailure",
        at: t + 0.4,
        until: t + 0.8,
      },
    ]);
    const sts = fx.client(STSClient, US);
    let failed = 0;
    for (let i = 0; i < 30; i++) {
      await sts.send(new GetCallerIdentityCommand({})).catch(() => failed++);
    }
    assert.ok(failed >= 6 && failed <= 24, `${failed} of 30 failed`);
    const eu = fx.client(STSClient, EU);
    const at = async (s: number) => {
      while ((await now()) < t + s) await new Promise((r) => setTimeout(r, 10));
      return eu.send(new GetCallerIdentityCommand({})).then(
        () => "ok",
        (e: Error) => e.name,
      );
    };
    assert.equal(await at(0.1), "ok");
    assert.equal(await at(0.5), "InternalFailure");
    assert.equal(await at(0.9), "ok");
  });

  it("refused: the region's own listener refuses connections; the shared port drops them", async () => {
    const endpoints = (await fx.admin<{ endpoints: Record<string, string> }>("state")).json
      .endpoints;
    assert.equal((await describeIn(EU, undefined, endpoints[EU])).GlobalClusters!.length, 1);
    await setFaults([{ type: "refused", region: EU }]);
    await assert.rejects(describeIn(EU, undefined, endpoints[EU]), (e: SdkError) => {
      assert.equal(e.code, "ECONNREFUSED", `${e.name}: ${e.message}`);
      return true;
    });
    assert.equal((await describeIn(US, undefined, endpoints[US])).GlobalClusters!.length, 1);
    await assert.rejects(describeIn(EU), (e: SdkError) => e.code === "ECONNRESET");
    await setFaults([]);
    assert.equal((await describeIn(EU, undefined, endpoints[EU])).GlobalClusters!.length, 1);
    assert.deepEqual(
      (await records()).map((r) => [r.region, r.via, r.status, r.fault]),
      [
        [EU, EU, 200, undefined],
        [US, US, 200, undefined],
        [EU, "shared", undefined, "refused"],
        [EU, EU, 200, undefined],
      ],
    );
  });

  it("outage and isolation: the region's endpoints black-hole; the simulator sees it down", async () => {
    await setFaults([{ type: "outage", region: EU }]);
    await assert.rejects(describeIn(EU, AbortSignal.timeout(200)), { name: "AbortError" });
    assert.equal((await describeIn(US)).GlobalClusters!.length, 1);
    const state = (await fx.admin<{ regions: Record<string, { up: boolean }> }>("state")).json;
    assert.equal(state.regions[EU].up, false);
    await setFaults([{ type: "isolation", region: EU }]);
    await assert.rejects(describeIn(EU, AbortSignal.timeout(200)), { name: "AbortError" });
    await setFaults([]);
    assert.equal((await describeIn(EU)).GlobalClusters!.length, 1);
    assert.deepEqual(
      (await records()).map((r) => [r.region, r.fault, r.detail]),
      [
        [EU, "black-hole", "outage"],
        [US, undefined, undefined],
        [EU, "black-hole", "isolation"],
        [EU, undefined, undefined],
      ],
    );
  });

  it("partition: a write in one region reaches the other only when the link is back", async () => {
    await setFaults([{ type: "partition", regions: [US, EU] }]);
    const us = fx.client(DynamoDBClient, US);
    const eu = fx.client(DynamoDBClient, EU);
    await us.send(new PutItemCommand({ TableName: "shop-carts", Item: { pk: { S: "cart-9" } } }));
    const read = () =>
      eu.send(new GetItemCommand({ TableName: "shop-carts", Key: { pk: { S: "cart-9" } } }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await read()).Item, undefined, "not across the partition");
    await setFaults([]);
    await eventually(async () => (await read()).Item, "replication after the partition heals");
  });

  it("the admin API refuses a bad fault set, naming the entry and key", async () => {
    const r = await fx.admin<{ issues: { key: string; message: string }[] }>("faults", [
      { type: "error", region: EU, code: "ThrottlingException", rate: 2 },
    ]);
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json.issues.map((i) => i.key),
      ["[0].rate"],
    );
    const bad = await fetch(`${fx.url}/_emulator/faults`, { method: "POST", body: "{" });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${fx.url}/_emulator/nope`)).status, 404);
  });
});

describe("emulator: fault documents", () => {
  const targets = { worldRegions: [US, EU], listenerRegions: [US, EU, "us-west-2"] };
  const issues = (doc: unknown) => {
    const r = parseFaults(doc, targets);
    return "issues" in r ? r.issues.map((i) => `${i.key}: ${i.message}`) : [];
  };

  it("accepts every fault type", () => {
    const doc = [
      { type: "black-hole", region: EU, service: "rds", operation: "SwitchoverGlobalCluster" },
      { type: "reset", region: US, at: 1, until: 2 },
      { type: "slow", region: US, delayMs: 250 },
      { type: "refused", region: "us-west-2" },
      { type: "error", region: EU, code: "InternalFailure", status: 500, rate: 0.1 },
      { type: "outage", region: EU, at: 10, until: 40 },
      { type: "isolation", region: US },
      { type: "partition", regions: [US, EU] },
    ];
    const r = parseFaults(doc, targets);
    assert.ok("faults" in r, JSON.stringify(r));
    assert.equal(r.faults.length, doc.length);
  });

  it("names the entry and key of every problem at once", () => {
    assert.deepEqual(issues({ type: "reset" }), [
      '<root>: must be a JSON list of faults, e.g. [{"type": "outage", "region": "eu-west-1"}].',
    ]);
    const found = issues([
      { type: "meltdown", region: EU },
      { type: "error", region: "mars-1", code: "X", rate: 2 },
      { type: "slow", region: US },
      { type: "reset", region: US, service: "s3" },
      { type: "outage", region: "ap-south-1" },
      { type: "refused", region: "ap-south-1" },
      { type: "reset", region: US, at: 5, until: 5 },
      { type: "partition", regions: [US, US] },
      { type: "reset", region: US, colour: "red" },
      "black-hole",
    ]);
    assert.deepEqual(
      found.map((f) => f.split(":")[0]),
      [
        "[0].type",
        "[1].region",
        "[1].rate",
        "[2].delayMs",
        "[3].service",
        "[4].region",
        "[5].region",
        "[6].until",
        "[7].regions",
        "[8].colour",
        "[9]",
      ],
    );
    assert.match(
      found[5],
      /ap-south-1 has no DR manifest; pick a simulated region \(us-east-1, eu-west-1\)/,
    );
  });
});
