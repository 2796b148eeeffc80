import { strict as assert } from "assert";
import { deferredMock } from "../../testing/deferredMock";
import { CALL_ATTEMPTS } from "./client";
import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeReplicatorCommand, KafkaClient } from "@aws-sdk/client-kafka";
import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from "@aws-sdk/client-route53-recovery-cluster";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AdapterError } from "../types";
import {
  awsArc,
  awsCloudWatch,
  awsDynamoDb,
  awsElastiCache,
  awsKafka,
  awsRds,
  awsRoute53,
  awsSts,
  classify,
  toAdapterError,
} from "./index";

const awsError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} from AWS`), { name, $metadata: {}, ...extra });

/** The region (and endpoint) of the client each recorded call was sent with. */
async function clientsOf(mock: { calls(): { thisValue: unknown }[] }) {
  return Promise.all(
    mock.calls().map(async (c) => {
      const config = (c.thisValue as { config: Record<string, () => Promise<unknown>> }).config;
      const endpoint = config.endpoint
        ? ((await config.endpoint()) as { hostname: string })
        : undefined;
      return {
        region: await config.region(),
        maxAttempts: await config.maxAttempts(),
        host: endpoint?.hostname,
      };
    }),
  );
}

async function rejectsWith(p: Promise<unknown>, kind: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AdapterError, `AdapterError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    assert.match(e.message, pattern);
    return true;
  });
}

const ACCT = "123456789012";
const useArn = `arn:aws:rds:us-east-1:${ACCT}:cluster:shop-use1`;
const euwArn = `arn:aws:rds:eu-west-1:${ACCT}:cluster:shop-euw1`;

describe("AWS adapters (SDK v3, aws-sdk-client-mock)", () => {
  describe("RDS", () => {
    const rds = deferredMock(RDSClient);
    beforeEach(() => rds.reset());
    after(() => rds.restore());

    it("describes the global cluster: members, writer, region, failover state", async () => {
      rds.on(DescribeGlobalClustersCommand).resolves({
        GlobalClusters: [
          {
            GlobalClusterIdentifier: "shop-global",
            Status: "switching-over",
            Engine: "aurora-postgresql",
            EngineVersion: "16.6",
            GlobalClusterMembers: [
              { DBClusterArn: useArn, IsWriter: true },
              { DBClusterArn: euwArn, IsWriter: false, SynchronizationStatus: "connected" },
            ],
            FailoverState: {
              Status: "pending",
              FromDbClusterArn: useArn,
              ToDbClusterArn: euwArn,
              IsDataLossAllowed: false,
            },
          },
        ],
      });
      const g = await awsRds().describeGlobalCluster("eu-west-1", "shop-global");
      assert.deepEqual(rds.commandCalls(DescribeGlobalClustersCommand)[0].args[0].input, {
        GlobalClusterIdentifier: "shop-global",
      });
      assert.deepEqual(g.members, [
        {
          clusterArn: useArn,
          region: "us-east-1",
          isWriter: true,
          synchronizationStatus: undefined,
        },
        {
          clusterArn: euwArn,
          region: "eu-west-1",
          isWriter: false,
          synchronizationStatus: "connected",
        },
      ]);
      assert.deepEqual(g.failover, {
        status: "pending",
        fromClusterArn: useArn,
        toClusterArn: euwArn,
        isDataLossAllowed: false,
      });
      const [client] = await clientsOf(rds);
      assert.equal(client.region, "eu-west-1");
      // A call retries its own throttles and 5xx (within its deadline); the engine retries steps.
      assert.equal(client.maxAttempts, CALL_ATTEMPTS);
    });

    it("sends SwitchoverGlobalCluster and FailoverGlobalCluster with AllowDataLoss", async () => {
      rds.on(SwitchoverGlobalClusterCommand).resolves({});
      rds.on(FailoverGlobalClusterCommand).resolves({});
      await awsRds().switchoverGlobalCluster("eu-west-1", "shop-global", euwArn);
      await awsRds().failoverGlobalCluster("eu-west-1", "shop-global", euwArn, {
        allowDataLoss: true,
      });
      assert.deepEqual(rds.commandCalls(SwitchoverGlobalClusterCommand)[0].args[0].input, {
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: euwArn,
      });
      assert.deepEqual(rds.commandCalls(FailoverGlobalClusterCommand)[0].args[0].input, {
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: euwArn,
        AllowDataLoss: true,
      });
    });

    it("maps errors by name: not found, invalid state, throttling, empty answer", async () => {
      rds.on(DescribeGlobalClustersCommand).rejectsOnce(awsError("GlobalClusterNotFoundFault"));
      await rejectsWith(
        awsRds().describeGlobalCluster("eu-west-1", "x"),
        "not-found",
        /RDS DescribeGlobalClusters in eu-west-1 failed: GlobalClusterNotFoundFault/,
      );
      rds.on(SwitchoverGlobalClusterCommand).rejects(awsError("InvalidGlobalClusterStateFault"));
      await rejectsWith(
        awsRds().switchoverGlobalCluster("eu-west-1", "x", euwArn),
        "invalid-state",
        /InvalidGlobalClusterStateFault/,
      );
      rds.on(FailoverGlobalClusterCommand).rejects(awsError("ThrottlingException"));
      await rejectsWith(
        awsRds().failoverGlobalCluster("eu-west-1", "x", euwArn, { allowDataLoss: true }),
        "transient",
        /ThrottlingException/,
      );
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
      await rejectsWith(
        awsRds().describeGlobalCluster("eu-west-1", "x"),
        "not-found",
        /not found in eu-west-1/,
      );
    });
  });

  describe("CloudWatch", () => {
    const cw = deferredMock(CloudWatchClient);
    beforeEach(() => cw.reset());
    after(() => cw.restore());
    const end = Date.parse("2026-11-22T03:00:00Z");

    it("GetMetricData: the query's window and dimensions; the newest datapoint wins", async () => {
      cw.on(GetMetricDataCommand).resolves({
        MetricDataResults: [
          {
            Id: "m",
            Timestamps: [new Date(end - 120_000), new Date(end - 60_000)],
            Values: [900, 250],
          },
        ],
      });
      const s = await awsCloudWatch().latestMetric("us-east-1", {
        namespace: "AWS/DynamoDB",
        metricName: "ReplicationLatency",
        dimensions: { TableName: "shop-orders", ReceivingRegion: "eu-west-1" },
        stat: "Maximum",
        periodSeconds: 60,
        lookbackSeconds: 300,
        endTimeMs: end,
      });
      assert.deepEqual(s, { value: 250, timestampMs: end - 60_000 });
      const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
      assert.deepEqual(input.MetricDataQueries![0].MetricStat, {
        Metric: {
          Namespace: "AWS/DynamoDB",
          MetricName: "ReplicationLatency",
          Dimensions: [
            { Name: "TableName", Value: "shop-orders" },
            { Name: "ReceivingRegion", Value: "eu-west-1" },
          ],
        },
        Period: 60,
        Stat: "Maximum",
      });
      assert.equal(input.StartTime!.getTime(), end - 300_000);
      assert.equal(input.EndTime!.getTime(), end);
    });

    it("no datapoint is undefined, not zero", async () => {
      cw.on(GetMetricDataCommand).resolves({
        MetricDataResults: [{ Id: "m", Timestamps: [], Values: [] }],
      });
      const s = await awsCloudWatch().latestMetric("us-east-1", {
        namespace: "n",
        metricName: "m",
        dimensions: {},
        stat: "Sum",
        periodSeconds: 60,
        lookbackSeconds: 60,
        endTimeMs: end,
      });
      assert.equal(s, undefined);
    });

    it("PutMetricData sets the writer gate; DescribeAlarms reports MISSING alarms", async () => {
      cw.on(PutMetricDataCommand).resolves({});
      cw.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [{ AlarmName: "gate-a", StateValue: "ALARM" }],
      });
      const a = awsCloudWatch();
      await a.putMetric("eu-west-1", {
        namespace: "DR/TrafficSwitch",
        metricName: "WriterGate",
        dimensions: { App: "shop", Cell: "use1" },
        value: 0,
      });
      assert.deepEqual(cw.commandCalls(PutMetricDataCommand)[0].args[0].input, {
        Namespace: "DR/TrafficSwitch",
        MetricData: [
          {
            MetricName: "WriterGate",
            Dimensions: [
              { Name: "App", Value: "shop" },
              { Name: "Cell", Value: "use1" },
            ],
            Value: 0,
            Unit: "None",
          },
        ],
      });
      assert.deepEqual(await a.alarmStates("eu-west-1", ["gate-a", "gate-b"]), {
        "gate-a": "ALARM",
        "gate-b": "MISSING",
      });
      assert.deepEqual(
        (await clientsOf(cw)).map((c) => c.region),
        ["eu-west-1", "eu-west-1"],
      );
    });
  });

  describe("DynamoDB", () => {
    const ddb = deferredMock(DynamoDBClient);
    beforeEach(() => ddb.reset());
    after(() => ddb.restore());

    it("describes replicas", async () => {
      ddb.on(DescribeTableCommand).resolves({
        Table: {
          TableStatus: "ACTIVE",
          Replicas: [{ RegionName: "us-east-1", ReplicaStatus: "ACTIVE" }],
        },
      });
      assert.deepEqual(await awsDynamoDb().describeTable("eu-west-1", "shop-orders"), {
        tableName: "shop-orders",
        region: "eu-west-1",
        tableStatus: "ACTIVE",
        replicas: [{ region: "us-east-1", status: "ACTIVE" }],
      });
    });

    it("reads the control items with strongly consistent GetItem in the given region", async () => {
      ddb.on(GetItemCommand, { Key: { pk: { S: "writer" } } }).resolves({
        Item: { pk: { S: "writer" }, region: { S: "us-east-1" }, epoch: { N: "4" } },
      });
      ddb.on(GetItemCommand, { Key: { pk: { S: "fence#eu-west-1" } } }).resolves({
        Item: { pk: { S: "fence#eu-west-1" }, fenced: { BOOL: true }, epoch: { N: "3" } },
      });
      ddb.on(GetItemCommand, { Key: { pk: { S: "fence#us-east-1" } } }).resolves({});
      ddb.on(GetItemCommand, { Key: { pk: { S: "run" } } }).resolves({
        Item: {
          pk: { S: "run" },
          runId: { S: "switchover-20261122T030000Z-a1b2c3" },
          epoch: { N: "4" },
          state: { S: "finished" },
          kind: { S: "switchover" },
          from: { S: "eu-west-1" },
          to: { S: "us-east-1" },
        },
      });
      const s = await awsDynamoDb().readControl("eu-west-1", "shop-dr-control", [
        "us-east-1",
        "eu-west-1",
      ]);
      assert.deepEqual(s, {
        writer: { region: "us-east-1", epoch: 4 },
        claim: {
          runId: "switchover-20261122T030000Z-a1b2c3",
          epoch: 4,
          state: "finished",
          kind: "switchover",
          from: "eu-west-1",
          to: "us-east-1",
        },
        fences: [{ region: "eu-west-1", fenced: true, epoch: 3 }],
      });
      for (const c of ddb.commandCalls(GetItemCommand)) {
        assert.equal(c.args[0].input.ConsistentRead, true);
        assert.equal(c.args[0].input.TableName, "shop-dr-control");
      }
      assert.ok((await clientsOf(ddb)).every((c) => c.region === "eu-west-1"));
    });

    it("fences with a conditional write on the epoch", async () => {
      ddb.on(PutItemCommand).resolves({});
      const r = await awsDynamoDb().putFence("us-east-1", "shop-dr-control", {
        region: "us-east-1",
        fenced: true,
        epoch: 5,
        runId: "run-1",
        updatedAt: "2026-11-22T03:00:00.000Z",
      });
      assert.deepEqual(r, { outcome: "written" });
      assert.deepEqual(ddb.commandCalls(PutItemCommand)[0].args[0].input, {
        TableName: "shop-dr-control",
        Item: {
          pk: { S: "fence#us-east-1" },
          region: { S: "us-east-1" },
          fenced: { BOOL: true },
          epoch: { N: "5" },
          runId: { S: "run-1" },
          updatedAt: { S: "2026-11-22T03:00:00.000Z" },
        },
        // A newer epoch wins; at the same epoch only the same run may write again.
        ConditionExpression:
          "attribute_not_exists(#pk) OR #epoch < :epoch OR (#epoch = :epoch AND #runId = :runId)",
        ExpressionAttributeNames: { "#pk": "pk", "#epoch": "epoch", "#runId": "runId" },
        ExpressionAttributeValues: { ":epoch": { N: "5" }, ":runId": { S: "run-1" } },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      });
    });

    it("a lost condition is 'superseded' with the stored epoch, not an error", async () => {
      ddb.on(PutItemCommand).rejects(
        new ConditionalCheckFailedException({
          message: "The conditional request failed",
          $metadata: {},
          Item: { pk: { S: "writer" }, region: { S: "us-east-1" }, epoch: { N: "9" } },
        }),
      );
      const r = await awsDynamoDb().putWriter("eu-west-1", "t", { region: "eu-west-1", epoch: 5 });
      assert.deepEqual(r, { outcome: "superseded", currentEpoch: 9 });
      const input = ddb.commandCalls(PutItemCommand)[0].args[0].input;
      assert.deepEqual(input.ExpressionAttributeNames, {
        "#pk": "pk",
        "#epoch": "epoch",
        "#runId": "runId",
      });
    });

    it("access denied is an error naming the call and region", async () => {
      ddb.on(PutItemCommand).rejects(awsError("AccessDeniedException"));
      await rejectsWith(
        awsDynamoDb().putFence("eu-west-1", "t", { region: "us-east-1", fenced: true, epoch: 1 }),
        "access-denied",
        /DynamoDB PutItem in eu-west-1 failed: AccessDeniedException/,
      );
    });
  });

  describe("Kafka", () => {
    const kafka = deferredMock(KafkaClient);
    beforeEach(() => kafka.reset());
    after(() => kafka.restore());

    it("describes a replicator, mapping cluster aliases to ARNs", async () => {
      kafka.on(DescribeReplicatorCommand).resolves({
        ReplicatorArn: "arn:aws:kafka:eu-west-1:1:replicator/r/1",
        ReplicatorName: "r",
        ReplicatorState: "RUNNING",
        KafkaClusters: [
          { KafkaClusterAlias: "src", AmazonMskCluster: { MskClusterArn: "arn:src" } },
          { KafkaClusterAlias: "dst", AmazonMskCluster: { MskClusterArn: "arn:dst" } },
        ],
        ReplicationInfoList: [{ SourceKafkaClusterAlias: "src", TargetKafkaClusterAlias: "dst" }],
      });
      const r = await awsKafka().describeReplicator(
        "eu-west-1",
        "arn:aws:kafka:eu-west-1:1:replicator/r/1",
      );
      assert.deepEqual(r, {
        replicatorArn: "arn:aws:kafka:eu-west-1:1:replicator/r/1",
        replicatorName: "r",
        state: "RUNNING",
        stateReason: undefined,
        sourceClusterArns: ["arn:src"],
        targetClusterArns: ["arn:dst"],
      });
      assert.deepEqual(kafka.commandCalls(DescribeReplicatorCommand)[0].args[0].input, {
        ReplicatorArn: "arn:aws:kafka:eu-west-1:1:replicator/r/1",
      });
    });
  });

  describe("ElastiCache", () => {
    const ec = deferredMock(ElastiCacheClient);
    beforeEach(() => ec.reset());
    after(() => ec.restore());

    it("describes the global datastore with member info and fails it over", async () => {
      ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
        GlobalReplicationGroups: [
          {
            GlobalReplicationGroupId: "g",
            Status: "available",
            Members: [
              {
                ReplicationGroupId: "shop-use1",
                ReplicationGroupRegion: "us-east-1",
                Role: "PRIMARY",
                Status: "associated",
              },
              {
                ReplicationGroupId: "shop-euw1",
                ReplicationGroupRegion: "eu-west-1",
                Role: "SECONDARY",
                Status: "associated",
              },
            ],
          },
        ],
      });
      ec.on(FailoverGlobalReplicationGroupCommand).resolves({});
      const a = awsElastiCache();
      const g = await a.describeGlobalDatastore("eu-west-1", "g");
      assert.deepEqual(
        g.members.map((m) => [m.region, m.role]),
        [
          ["us-east-1", "primary"],
          ["eu-west-1", "secondary"],
        ],
      );
      assert.equal(
        ec.commandCalls(DescribeGlobalReplicationGroupsCommand)[0].args[0].input.ShowMemberInfo,
        true,
      );
      await a.failoverGlobalDatastore("eu-west-1", "g", "eu-west-1", "shop-euw1");
      assert.deepEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand)[0].args[0].input, {
        GlobalReplicationGroupId: "g",
        PrimaryRegion: "eu-west-1",
        PrimaryReplicationGroupId: "shop-euw1",
      });
      ec.on(FailoverGlobalReplicationGroupCommand).rejects(
        awsError("InvalidGlobalReplicationGroupStateFault"),
      );
      await rejectsWith(
        a.failoverGlobalDatastore("eu-west-1", "g", "eu-west-1", "shop-euw1"),
        "invalid-state",
        /InvalidGlobalReplicationGroupStateFault/,
      );
    });
  });

  describe("Route 53 (status reads only)", () => {
    const r53 = deferredMock(Route53Client);
    beforeEach(() => r53.reset());
    after(() => r53.restore());

    it("applies Route 53's rule: healthy when more than 18% of checkers succeed", async () => {
      const obs = (ok: number, total: number) => ({
        HealthCheckObservations: Array.from({ length: total }, (_, i) => ({
          Region: "us-east-1" as const,
          StatusReport: { Status: i < ok ? "Success: HTTP Status Code 200" : "Failure: timeout" },
        })),
      });
      r53.on(GetHealthCheckStatusCommand).resolvesOnce(obs(3, 16)).resolvesOnce(obs(2, 16));
      const a = awsRoute53();
      assert.equal((await a.healthCheckStatus("hc")).healthy, true);
      assert.equal((await a.healthCheckStatus("hc")).healthy, false);
      assert.deepEqual(r53.commandCalls(GetHealthCheckStatusCommand)[0].args[0].input, {
        HealthCheckId: "hc",
      });
    });
  });

  describe("ARC routing controls (data plane)", () => {
    const arc = deferredMock(Route53RecoveryClusterClient);
    beforeEach(() => arc.reset());
    after(() => arc.restore());
    const endpoints = [
      {
        region: "us-east-1",
        url: "https://aaa.route53-recovery-cluster.us-east-1.amazonaws.com/v1",
      },
      {
        region: "us-west-2",
        url: "https://bbb.route53-recovery-cluster.us-west-2.amazonaws.com/v1",
      },
      {
        region: "eu-west-1",
        url: "https://ccc.route53-recovery-cluster.eu-west-1.amazonaws.com/v1",
      },
    ];

    it("rotates to the next endpoint when one is unavailable, signing for its region", async () => {
      arc
        .on(UpdateRoutingControlStatesCommand)
        .rejectsOnce(awsError("EndpointTemporarilyUnavailableException"))
        .resolves({});
      await awsArc(endpoints, {}, () => 0).updateRoutingControlStates([
        { routingControlArn: "rc-euw1", state: "On" },
        { routingControlArn: "rc-use1", state: "Off" },
      ]);
      const used = await clientsOf(arc);
      assert.deepEqual(
        used.map((u) => [u.region, u.host]),
        [
          ["us-east-1", "aaa.route53-recovery-cluster.us-east-1.amazonaws.com"],
          ["us-west-2", "bbb.route53-recovery-cluster.us-west-2.amazonaws.com"],
        ],
      );
      assert.deepEqual(arc.commandCalls(UpdateRoutingControlStatesCommand)[1].args[0].input, {
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: "rc-euw1", RoutingControlState: "On" },
          { RoutingControlArn: "rc-use1", RoutingControlState: "Off" },
        ],
      });
    });

    it("never tries an endpoint in an avoided (failed) region", async () => {
      arc
        .on(GetRoutingControlStateCommand)
        .resolves({ RoutingControlArn: "rc", RoutingControlState: "On" });
      const a = awsArc(endpoints, {}, () => 0);
      assert.equal(await a.getRoutingControlState("rc", { avoidRegions: ["us-east-1"] }), "On");
      assert.deepEqual(
        (await clientsOf(arc)).map((u) => u.region),
        ["us-west-2"],
      );
    });

    it("a refusal is final (no rotation); every endpoint down is transient", async () => {
      arc.on(UpdateRoutingControlStatesCommand).rejects(awsError("ConflictException"));
      await rejectsWith(
        awsArc(endpoints, {}, () => 0).updateRoutingControlStates([
          { routingControlArn: "rc", state: "On" },
        ]),
        "conflict",
        /ConflictException/,
      );
      assert.equal(arc.commandCalls(UpdateRoutingControlStatesCommand).length, 1);
      arc.reset();
      arc.on(GetRoutingControlStateCommand).rejects(awsError("InternalServerException"));
      await rejectsWith(
        awsArc(endpoints, {}, () => 0.5).getRoutingControlState("rc"),
        "transient",
        /every ARC endpoint failed \(us-east-1, us-west-2, eu-west-1\)/,
      );
      assert.equal(arc.commandCalls(GetRoutingControlStateCommand).length, 3);
      await rejectsWith(
        awsArc([], {}).getRoutingControlState("rc"),
        "validation",
        /--arc-endpoints/,
      );
    });

    it("passes safety-rule overrides only when asked", async () => {
      arc.on(UpdateRoutingControlStatesCommand).resolves({});
      await awsArc(endpoints, {}, () => 0).updateRoutingControlStates(
        [{ routingControlArn: "rc", state: "Off" }],
        {
          safetyRulesToOverride: ["rule-1"],
        },
      );
      assert.deepEqual(
        arc.commandCalls(UpdateRoutingControlStatesCommand)[0].args[0].input.SafetyRulesToOverride,
        ["rule-1"],
      );
    });
  });

  describe("STS", () => {
    const sts = deferredMock(STSClient);
    beforeEach(() => sts.reset());
    after(() => sts.restore());

    it("calls GetCallerIdentity on the regional endpoint", async () => {
      sts
        .on(GetCallerIdentityCommand)
        .resolves({ Account: ACCT, Arn: "arn:aws:sts::1:assumed-role/Op/me", UserId: "AROA:me" });
      const id = await awsSts({ profile: "dr-operator" }).callerIdentity("eu-west-1");
      assert.deepEqual(id, {
        account: ACCT,
        arn: "arn:aws:sts::1:assumed-role/Op/me",
        userId: "AROA:me",
      });
      const [client] = await clientsOf(sts);
      assert.equal(client.region, "eu-west-1");
      // The endpoint the client resolves is the regional one, not sts.amazonaws.com.
      const config = (sts.calls()[0].thisValue as STSClient).config;
      const endpoint = config.endpointProvider({
        Region: "eu-west-1",
        UseFIPS: false,
        UseDualStack: false,
        UseGlobalEndpoint: config.useGlobalEndpoint === true,
      });
      assert.equal(endpoint.url.hostname, "sts.eu-west-1.amazonaws.com");
      sts.on(GetCallerIdentityCommand).rejects(awsError("ExpiredTokenException"));
      await rejectsWith(
        awsSts().callerIdentity("eu-west-1"),
        "credentials",
        /ExpiredTokenException/,
      );
    });
  });

  it("classifies SDK errors by name", () => {
    const cases: [string, string][] = [
      ["ThrottlingException", "transient"],
      ["InternalFailure", "transient"],
      ["CredentialsProviderError", "credentials"],
      ["AccessDenied", "access-denied"],
      ["ConditionalCheckFailedException", "conflict"],
      ["ValidationException", "validation"],
      ["DBClusterNotFoundFault", "not-found"],
      ["InvalidDBClusterStateFault", "invalid-state"],
      ["SomethingElse", "unknown"],
    ];
    for (const [name, kind] of cases) assert.equal(classify(awsError(name)), kind, name);
  });

  it("classifies as transient what the engine must retry: names, 5xx and 429, socket codes", () => {
    for (const name of ["ServiceUnavailable", "TimeoutError", "ECONNRESET", "SlowDown"]) {
      assert.equal(classify(awsError(name)), "transient", name);
    }
    for (const status of [500, 503, 429]) {
      const e = Object.assign(new Error("x"), { $metadata: { httpStatusCode: status } });
      assert.equal(classify(e), "transient", String(status));
    }
    assert.equal(classify(Object.assign(new Error("x"), { $retryable: {} })), "transient");
    const e400 = Object.assign(new Error("x"), { $metadata: { httpStatusCode: 400 } });
    assert.equal(classify(e400), "unknown");
    // What the engine reads: the AdapterError an adapter throws says `retryable`.
    assert.equal(toAdapterError("S", "Op", "eu-west-1", awsError("Throttling")).retryable, true);
    assert.equal(toAdapterError("S", "Op", "eu-west-1", awsError("AccessDenied")).retryable, false);
  });
});
