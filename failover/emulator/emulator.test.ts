import { strict as assert } from "assert";
import { XMLParser } from "fast-xml-parser";
import {
  DescribeAlarmsCommand,
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  BatchGetItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import {
  DescribeReplicatorCommand,
  KafkaClient,
  ListClustersV2Command,
} from "@aws-sdk/client-kafka";
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
} from "@aws-sdk/client-route53-recovery-cluster";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { RequestRecord } from "./log";
import { ACCOUNT, EU, eventually, Fixture, LEDGER, ROUTING_CONTROL, US } from "./testing";

/*
 * The real SDK v3 clients, pointed at the emulator, round-trip every operation it serves: the
 * SDK's own deserializers must accept each reply (shapes, list element names, timestamps,
 * error codes), and the answers must be the simulator's (roles move, items replicate).
 */

type AwsError = Error & { $metadata: { httpStatusCode?: number }; Code?: string; $fault?: string };

async function rejects(p: Promise<unknown>, name: string, status: number): Promise<AwsError> {
  let caught: AwsError | undefined;
  await assert.rejects(p, (e: AwsError) => {
    caught = e;
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
  return caught!;
}

describe("emulator: real SDK clients round-trip every operation", () => {
  let fx: Fixture;
  const useArn = `arn:aws:rds:${US}:${ACCOUNT}:cluster:shop-use1`;
  const euwArn = `arn:aws:rds:${EU}:${ACCOUNT}:cluster:shop-euw1`;
  const last = async (n = 1): Promise<RequestRecord[]> =>
    (await fx.admin<{ requests: RequestRecord[] }>("requests")).json.requests.slice(-n);

  before(async () => {
    // Role changes take 0.3 s here, so that a second request reliably finds one running.
    fx = await Fixture.start({
      params: {
        aurora: { switchoverSeconds: { kind: "constant", value: 0.3 } },
        cache: { failoverSeconds: { kind: "constant", value: 0.3 } },
      },
    });
  });
  after(() => fx.close());

  it("STS: GetCallerIdentity and AssumeRole (temporary credentials, an hour)", async () => {
    const sts = fx.client(STSClient, EU);
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, ACCOUNT);
    assert.match(id.Arn!, /^arn:aws:sts::123456789012:assumed-role\//);
    const role = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/dr-operator`,
        RoleSessionName: "wire-test",
      }),
    );
    assert.match(role.Credentials!.AccessKeyId!, /^ASIA/);
    assert.ok(role.Credentials!.SessionToken);
    const ahead = role.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(ahead > 3590_000 && ahead <= 3600_000, `expires in ${ahead} ms`);
    assert.equal(
      role.AssumedRoleUser!.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/dr-operator/wire-test`,
    );
    // The SDK's own credential provider (its nested STS client) takes them too.
    const provider = fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/dr-operator`, RoleSessionName: "chain" },
      masterCredentials: { accessKeyId: "AKIDEMULATOR", secretAccessKey: "emulator" },
      clientConfig: { region: EU, endpoint: fx.url, maxAttempts: 1 },
    });
    const creds = await provider();
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.ok(creds.expiration!.getTime() > Date.now() + 3500_000);
    await rejects(
      sts.send(new AssumeRoleCommand({ RoleArn: "not-an-arn", RoleSessionName: "x" })),
      "ValidationError",
      400,
    );
    assert.deepEqual(
      (await last(4)).map((r) => [r.region, r.service, r.operation, r.status]),
      [
        [EU, "sts", "GetCallerIdentity", 200],
        [EU, "sts", "AssumeRole", 200],
        [EU, "sts", "AssumeRole", 200],
        [EU, "sts", "AssumeRole", 400],
      ],
    );
  });

  it("RDS: describes the global cluster; switchover and failover move the writer", async () => {
    const rds = fx.client(RDSClient, EU);
    const describe = async () =>
      (
        await rds.send(
          new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }),
        )
      ).GlobalClusters![0];
    const g = await describe();
    assert.equal(g.Status, "available");
    assert.equal(g.Engine, "aurora-postgresql");
    assert.deepEqual(
      g.GlobalClusterMembers!.map((m) => [m.DBClusterArn, m.IsWriter, m.SynchronizationStatus]),
      [
        [useArn, true, undefined],
        [euwArn, false, "connected"],
      ],
    );
    assert.deepEqual(g.GlobalClusterMembers![0].Readers, [euwArn]);
    const sw = await rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: euwArn,
      }),
    );
    assert.equal(sw.GlobalCluster!.Status, "switching-over");
    assert.deepEqual(sw.GlobalCluster!.FailoverState, {
      Status: "pending",
      FromDbClusterArn: useArn,
      ToDbClusterArn: euwArn,
      IsDataLossAllowed: false,
    });
    // A second role change while one runs is refused, as RDS does.
    await rejects(
      rds.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: euwArn,
        }),
      ),
      "InvalidGlobalClusterStateFault",
      400,
    );
    await eventually(async () => {
      const x = await describe();
      return x.Status === "available" && x.GlobalClusterMembers![1].IsWriter ? x : undefined;
    }, "the switchover to eu-west-1");
    const fo = await rds.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: "shop-use1",
        AllowDataLoss: true,
      }),
    );
    assert.equal(fo.GlobalCluster!.Status, "failing-over");
    assert.equal(fo.GlobalCluster!.FailoverState!.IsDataLossAllowed, true);
    await eventually(async () => {
      const x = await describe();
      return x.Status === "available" && x.GlobalClusterMembers![0].IsWriter ? x : undefined;
    }, "the failover back to us-east-1");
    assert.equal((await fx.admin<{ aurora: { writer: string } }>("state")).json.aurora.writer, US);
    await rejects(
      rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "no-such" })),
      "GlobalClusterNotFoundFault",
      404,
    );
  });

  it("ElastiCache: members on ShowMemberInfo; failover promotes; a second one is refused", async () => {
    const ec = fx.client(ElastiCacheClient, US);
    const describe = async (ShowMemberInfo: boolean) =>
      (
        await ec.send(
          new DescribeGlobalReplicationGroupsCommand({
            GlobalReplicationGroupId: "ldgnf-shop-global",
            ShowMemberInfo,
          }),
        )
      ).GlobalReplicationGroups![0];
    assert.equal((await describe(false)).Members, undefined);
    const g = await describe(true);
    assert.equal(g.Status, "available");
    assert.deepEqual(
      g.Members!.map((m) => [m.ReplicationGroupId, m.ReplicationGroupRegion, m.Role, m.Status]),
      [
        ["shop-use1", US, "PRIMARY", "associated"],
        ["shop-euw1", EU, "SECONDARY", "associated"],
      ],
    );
    const out = await ec.send(
      new FailoverGlobalReplicationGroupCommand({
        GlobalReplicationGroupId: "ldgnf-shop-global",
        PrimaryRegion: EU,
        PrimaryReplicationGroupId: "shop-euw1",
      }),
    );
    assert.equal(out.GlobalReplicationGroup!.Status, "modifying");
    const e = await rejects(
      ec.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: "ldgnf-shop-global",
          PrimaryRegion: EU,
          PrimaryReplicationGroupId: "shop-euw1",
        }),
      ),
      "InvalidGlobalReplicationGroupStateFault",
      400,
    );
    assert.equal(e.Code, "InvalidGlobalReplicationGroupState", "ElastiCache's wire code");
    await eventually(async () => {
      const x = await describe(true);
      return x.Status === "available" && x.Members![1].Role === "PRIMARY" ? x : undefined;
    }, "the cache failover");
    await rejects(
      ec.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: "nope" })),
      "GlobalReplicationGroupNotFoundFault",
      404,
    );
  });

  it("DynamoDB: items replicate between regions; a failed condition returns the old item", async () => {
    const eu = fx.client(DynamoDBClient, EU);
    const us = fx.client(DynamoDBClient, US);
    const table = "shop-dr-control";
    const d = await eu.send(new DescribeTableCommand({ TableName: table }));
    assert.deepEqual(d.Table!.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }]);
    assert.deepEqual(d.Table!.Replicas, [{ RegionName: US, ReplicaStatus: "ACTIVE" }]);
    assert.equal(d.Table!.TableArn, `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/${table}`);

    const writer = await eu.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "writer" } }, ConsistentRead: true }),
    );
    assert.deepEqual(unmarshall(writer.Item!), { pk: "writer", region: US, epoch: 0 });

    const fence = (epoch: number) =>
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: "fence#us-east-1" },
          region: { S: US },
          fenced: { BOOL: true },
          epoch: { N: String(epoch) },
        },
        ConditionExpression: "attribute_not_exists(#pk) OR #epoch < :epoch",
        ExpressionAttributeNames: { "#pk": "pk", "#epoch": "epoch" },
        ExpressionAttributeValues: { ":epoch": { N: String(epoch) } },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      });
    await eu.send(fence(3));
    const e = await rejects(eu.send(fence(2)), "ConditionalCheckFailedException", 400);
    assert.deepEqual(unmarshall((e as unknown as { Item: never }).Item), {
      pk: "fence#us-east-1",
      region: US,
      fenced: true,
      epoch: 3,
    });
    // The write reaches the other replica after the global table's replication lag.
    const replicated = await eventually(async () => {
      const r = await us.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "fence#us-east-1" } } }),
      );
      return r.Item;
    }, "the fence to replicate to us-east-1");
    assert.equal(replicated.epoch.N, "3");

    // Every attribute type survives the round trip, numbers with all their digits.
    const item = {
      pk: { S: "order-1" },
      total: { N: "12345678901234567890.5" },
      qty: { N: "3" },
      blob: { B: new Uint8Array([0, 1, 2, 255]) },
      tags: { SS: ["a", "b"] },
      sizes: { NS: ["1", "2"] },
      ok: { BOOL: false },
      nothing1: { NULL: true },
      lines: { L: [{ S: "x" }, { N: "1" }] },
      address: { M: { city: { S: "Dublin" } } },
    };
    await us.send(new PutItemCommand({ TableName: "shop-orders", Item: item }));
    const got = await us.send(
      new GetItemCommand({ TableName: "shop-orders", Key: { pk: { S: "order-1" } } }),
    );
    assert.deepEqual(got.Item, item);
    const projected = await us.send(
      new GetItemCommand({
        TableName: "shop-orders",
        Key: { pk: { S: "order-1" } },
        ProjectionExpression: "qty, address.city",
      }),
    );
    assert.deepEqual(projected.Item, {
      qty: { N: "3" },
      address: { M: { city: { S: "Dublin" } } },
    });

    const updated = await us.send(
      new UpdateItemCommand({
        TableName: "shop-orders",
        Key: { pk: { S: "order-1" } },
        UpdateExpression: "SET qty = qty + :one, #s = if_not_exists(#s, :new) REMOVE nothing1",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":one": { N: "1" }, ":new": { S: "new" } },
        ReturnValues: "ALL_NEW",
      }),
    );
    assert.equal(updated.Attributes!.qty.N, "4");
    assert.equal(updated.Attributes!.status.S, "new");
    assert.equal(updated.Attributes!.nothing1, undefined);

    const batch = await eu.send(
      new BatchGetItemCommand({
        RequestItems: {
          [table]: {
            Keys: [{ pk: { S: "writer" } }, { pk: { S: "fence#us-east-1" } }, { pk: { S: "x" } }],
            ConsistentRead: true,
          },
        },
      }),
    );
    assert.deepEqual(batch.Responses![table].map((i) => i.pk.S).sort(), [
      "fence#us-east-1",
      "writer",
    ]);

    await rejects(
      eu.send(new GetItemCommand({ TableName: "no-such", Key: { pk: { S: "x" } } })),
      "ResourceNotFoundException",
      400,
    );
    const v = await rejects(
      eu.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: "x" } },
          ConditionExpression: "region = :r",
          ExpressionAttributeValues: { ":r": { S: US } },
        }),
      ),
      "ValidationException",
      400,
    );
    assert.match(v.message, /reserved keyword; reserved keyword: region/);
    const unused = await rejects(
      eu.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: "x" } },
          ConditionExpression: "attribute_not_exists(pk)",
          ExpressionAttributeValues: { ":spare": { S: "x" } },
        }),
      ),
      "ValidationException",
      400,
    );
    assert.match(unused.message, /unused in expressions: keys: \{:spare\}/);
  });

  it("DynamoDB: the manifest's key schema: number partition key and string sort key", async () => {
    const ddb = fx.client(DynamoDBClient, US);
    const d = await ddb.send(new DescribeTableCommand({ TableName: LEDGER }));
    assert.deepEqual(d.Table!.KeySchema, [
      { AttributeName: "account", KeyType: "HASH" },
      { AttributeName: "entry", KeyType: "RANGE" },
    ]);
    assert.deepEqual(d.Table!.AttributeDefinitions, [
      { AttributeName: "account", AttributeType: "N" },
      { AttributeName: "entry", AttributeType: "S" },
    ]);
    const put = (account: string, entry: string, amount: string) =>
      ddb.send(
        new PutItemCommand({
          TableName: LEDGER,
          Item: { account: { N: account }, entry: { S: entry }, amount: { N: amount } },
          ConditionExpression: "attribute_not_exists(account)",
        }),
      );
    await put("42", "a", "10");
    await put("42", "b", "20");
    // 42.0 is the same number, so the same key: the condition sees the item.
    await rejects(put("42.0", "a", "30"), "ConditionalCheckFailedException", 400);
    const got = await ddb.send(
      new GetItemCommand({
        TableName: LEDGER,
        Key: { account: { N: "4.2e1" }, entry: { S: "b" } },
      }),
    );
    assert.deepEqual(got.Item, { account: { N: "42" }, entry: { S: "b" }, amount: { N: "20" } });
    await rejects(
      ddb.send(new GetItemCommand({ TableName: LEDGER, Key: { account: { N: "42" } } })),
      "ValidationException",
      400,
    );
    const mismatch = await rejects(
      ddb.send(
        new PutItemCommand({
          TableName: LEDGER,
          Item: { account: { S: "42" }, entry: { S: "c" } },
        }),
      ),
      "ValidationException",
      400,
    );
    assert.match(mismatch.message, /Type mismatch for key account expected: N actual: S/);
  });

  it("CloudWatch: a closed writer gate alarms; GetMetricData reads gate and lag metrics", async () => {
    const cw = fx.client(CloudWatchClient, EU);
    const gate = (value: number) =>
      cw.send(
        new PutMetricDataCommand({
          Namespace: "DR/TrafficSwitch",
          MetricData: [
            {
              MetricName: "WriterGate",
              Dimensions: [
                { Name: "App", Value: "shop" },
                { Name: "Region", Value: "us-east-1" },
              ],
              Value: value,
              Unit: "None",
            },
          ],
        }),
      );
    const alarm = "shop-writer-gate-us-east-1";
    const state = async () =>
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm, "no-such-alarm"] })))
        .MetricAlarms!;
    assert.deepEqual(
      (await state()).map((a) => [a.AlarmName, a.StateValue, a.Threshold]),
      [[alarm, "OK", 1]],
    );
    await gate(0);
    await eventually(
      async () => ((await state())[0].StateValue === "ALARM" ? true : undefined),
      "the gate alarm",
    );
    const end = new Date(Date.now() + 1000);
    const read = async (namespace: string, name: string, dims: Record<string, string>) =>
      (
        await cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: [
              {
                Id: "m",
                MetricStat: {
                  Metric: {
                    Namespace: namespace,
                    MetricName: name,
                    Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
                  },
                  Period: 60,
                  Stat: "Minimum",
                },
              },
            ],
            StartTime: new Date(end.getTime() - 300_000),
            EndTime: end,
          }),
        )
      ).MetricDataResults![0];
    const g = await read("DR/TrafficSwitch", "WriterGate", { App: "shop", Region: "us-east-1" });
    assert.deepEqual(g.Values, [0]);
    assert.equal(g.Timestamps![0].getTime() % 60_000, 0, "aligned to the period");
    const lag = await read("AWS/DynamoDB", "ReplicationLatency", {
      TableName: "shop-orders",
      ReceivingRegion: US,
    });
    assert.equal(lag.Values!.length, 1);
    assert.ok(lag.Values![0] >= 0 && lag.Values![0] < 1000, `lag ${lag.Values![0]} ms`);
    await gate(1);
    await eventually(
      async () => ((await state())[0].StateValue === "OK" ? true : undefined),
      "the gate to reopen",
    );
    const e = await rejects(
      cw.send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: end, EndTime: end })),
      "InvalidParameterValueException",
      400,
    );
    assert.equal(e.Code, "InvalidParameterValue", "the query-compatible code");
  });

  it("Kafka: DescribeReplicator maps cluster aliases to ARNs; an unknown one is 404", async () => {
    const kafka = fx.client(KafkaClient, EU);
    const arn = fx.manifests[1].stores.msk.replicators[0].replicatorArn;
    const r = await kafka.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
    assert.equal(r.ReplicatorArn, arn);
    assert.equal(r.ReplicatorState, "RUNNING");
    const byAlias = new Map(
      r.KafkaClusters!.map((k) => [k.KafkaClusterAlias, k.AmazonMskCluster!.MskClusterArn]),
    );
    const info = r.ReplicationInfoList![0];
    assert.equal(byAlias.get(info.SourceKafkaClusterAlias), fx.manifests[0].stores.msk.clusterArn);
    assert.equal(byAlias.get(info.TargetKafkaClusterAlias), fx.manifests[1].stores.msk.clusterArn);
    await rejects(
      kafka.send(new DescribeReplicatorCommand({ ReplicatorArn: `${arn}-gone` })),
      "NotFoundException",
      404,
    );
    // The us-east-1 replicator lives in us-east-1, not in eu-west-1.
    await rejects(
      kafka.send(
        new DescribeReplicatorCommand({
          ReplicatorArn: fx.manifests[0].stores.msk.replicators[0].replicatorArn,
        }),
      ),
      "NotFoundException",
      404,
    );
  });

  it("Route 53: GetHealthCheckStatus reports the checkers; an unknown check is 404", async () => {
    const r53 = fx.client(Route53Client, US);
    const s = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: "hc-https-use1" }));
    const obs = s.HealthCheckObservations!;
    assert.equal(obs.length, 8);
    assert.ok(obs.every((o) => o.StatusReport!.Status!.startsWith("Success")));
    assert.ok(obs[0].StatusReport!.CheckedTime instanceof Date);
    await rejects(
      r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: "nope" })),
      "NoSuchHealthCheck",
      404,
    );
    assert.deepEqual(
      (await last(1)).map((r) => [r.region, r.service, r.operation, r.status, r.error]),
      [[US, "route53", "GetHealthCheckStatus", 404, "NoSuchHealthCheck"]],
    );
  });

  it("ARC: routing control states through any cluster endpoint region", async () => {
    const west = fx.client(Route53RecoveryClusterClient, "us-west-2");
    const sydney = fx.client(Route53RecoveryClusterClient, "ap-southeast-2");
    const get = async (c: Route53RecoveryClusterClient) =>
      (await c.send(new GetRoutingControlStateCommand({ RoutingControlArn: ROUTING_CONTROL })))
        .RoutingControlState;
    assert.equal(await get(west), "Off", "eu-west-1 is not the writer");
    await west.send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: ROUTING_CONTROL, RoutingControlState: "On" },
        ],
      }),
    );
    assert.equal(await get(sydney), "On");
    await sydney.send(
      new UpdateRoutingControlStateCommand({
        RoutingControlArn: ROUTING_CONTROL,
        RoutingControlState: "Off",
        SafetyRulesToOverride: ["rule-1"],
      }),
    );
    assert.equal(await get(west), "Off");
    await rejects(
      west.send(new GetRoutingControlStateCommand({ RoutingControlArn: `${ROUTING_CONTROL}x` })),
      "ResourceNotFoundException",
      404,
    );
    const regions = (await last(5)).map((r) => [r.region, r.service]);
    assert.ok(regions.some(([r]) => r === "us-west-2"));
    assert.ok(regions.some(([r]) => r === "ap-southeast-2"));
    assert.ok(regions.every(([, s]) => s === "route53-recovery-cluster"));
  });

  it("answers an operation it does not serve with the protocol's own error", async () => {
    await rejects(
      fx.client(DynamoDBClient, EU).send(new ScanCommand({ TableName: "shop-orders" })),
      "UnknownOperationException",
      400,
    );
    await rejects(
      fx.client(RDSClient, EU).send(new DescribeDBClustersCommand({})),
      "InvalidAction",
      400,
    );
    await rejects(
      fx.client(KafkaClient, EU).send(new ListClustersV2Command({})),
      "UnknownOperationException",
      404,
    );
    assert.deepEqual(
      (await last(3)).map((r) => [r.service, r.operation, r.status, r.error]),
      [
        ["dynamodb", "Scan", 400, "UnknownOperationException"],
        ["rds", "DescribeDBClusters", 400, "InvalidAction"],
        ["kafka", "GET /api/v2/clusters", 404, "UnknownOperationException"],
      ],
    );
  });

  it("takes region and service from the SigV4 scope; an unsigned request is refused (403)", async () => {
    const signed = (region: string, service: string) => ({
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261122/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`,
    });
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const ok = await fetch(`${fx.url}/`, {
      method: "POST",
      headers: signed("ap-northeast-1", "sts"),
      body,
    });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /<GetCallerIdentityResult>.*<Account>123456789012<\/Account>/s);
    const xml = new XMLParser();
    const unsigned = await fetch(`${fx.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    assert.equal(unsigned.status, 403);
    assert.deepEqual(
      xml.parse(await unsigned.text()).ErrorResponse.Error.Code,
      "MissingAuthenticationToken",
    );
    const unsignedJson = await fetch(`${fx.url}/`, {
      method: "POST",
      headers: { "x-amz-target": "DynamoDB_20120810.GetItem" },
      body: "{}",
    });
    assert.equal(unsignedJson.status, 403);
    assert.equal(
      ((await unsignedJson.json()) as { __type: string }).__type,
      "MissingAuthenticationTokenException",
    );
    const s3 = await fetch(`${fx.url}/`, { method: "POST", headers: signed(EU, "s3"), body });
    assert.equal(s3.status, 400);
    const error = xml.parse(await s3.text()).ErrorResponse.Error;
    assert.deepEqual([error.Type, error.Code], ["Sender", "InvalidAction"]);
    assert.deepEqual(
      (await last(4)).map((r) => [r.region, r.service, r.operation, r.status]),
      [
        ["ap-northeast-1", "sts", "GetCallerIdentity", 200],
        ["-", "-", "GetCallerIdentity", 403],
        ["-", "-", "GetItem", 403],
        [EU, "s3", "GetCallerIdentity", 400],
      ],
    );
  });
});
