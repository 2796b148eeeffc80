import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  PutMetricDataCommand,
  PutMetricDataCommandInput,
} from "@aws-sdk/client-cloudwatch";
import {
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
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DrManifest } from "../../../manifest";
import { CliFixture } from "../../testing/cliHarness";
import { ACTION_FOR_COMMAND } from "../../iam/policy";
import { AwsAdapters } from "./index";

/*
 * The data-plane promise, checked at the SDK boundary: the real AWS adapters run the real
 * `failover` command against aws-sdk-client-mock, every SDK command is recorded with the
 * region of the client that sent it, and the test asserts none went to the failed region, to
 * Route 53 at all, to ARC's configuration API or to IAM.
 */

const US = "us-east-1";
const EU = "eu-west-1";

type Sent = {
  seq: number;
  service: string;
  command: string;
  region: string;
  host?: string;
  input: unknown;
};

/** What the recorder needs of a client mock: its recorded `send` calls. */
interface AnyStub {
  calls(): { thisValue: unknown; args: unknown[] }[];
  restore(): void;
}

class SdkWorld {
  writer = US;
  cachePrimary = US;
  items = new Map<string, Record<string, unknown>>();
  gates = new Map<string, number>();
  arc = new Map<string, string>();
  readonly mocks: [string, AnyStub][];
  readonly route53 = mockClient(Route53Client);

  constructor(readonly manifests: DrManifest[]) {
    for (const m of manifests) {
      this.items.set(`fence#${m.region}`, {
        pk: { S: `fence#${m.region}` },
        fenced: { BOOL: m.region !== US },
        epoch: { N: "1" },
      });
      if (m.traffic.switch.type === "arc-routing-control")
        this.arc.set(m.traffic.switch.routingControlArn, m.region === US ? "On" : "Off");
    }
    this.items.set("writer", { pk: { S: "writer" }, region: { S: US }, epoch: { N: "1" } });
    const cluster = (m: DrManifest) => m.stores.aurora!.clusterArn;
    const rds = mockClient(RDSClient);
    rds.on(DescribeGlobalClustersCommand).callsFake(() => ({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: "shop-global",
          Status: "available",
          GlobalClusterMembers: manifests.map((m) => ({
            DBClusterArn: cluster(m),
            IsWriter: m.region === this.writer,
            SynchronizationStatus: m.region === this.writer ? undefined : "connected",
          })),
        },
      ],
    }));
    const promote = () => {
      this.writer = EU;
      return {};
    };
    rds.on(FailoverGlobalClusterCommand).callsFake(promote);
    rds.on(SwitchoverGlobalClusterCommand).callsFake(promote);
    const cw = mockClient(CloudWatchClient);
    cw.on(GetMetricDataCommand).callsFake((input) => ({
      MetricDataResults: [
        { Id: "m", Timestamps: [new Date(input.EndTime!.getTime() - 30_000)], Values: [0] },
      ],
    }));
    cw.on(PutMetricDataCommand).callsFake(
      async (input: PutMetricDataCommandInput, getClient: () => CloudWatchClient) => {
        const region = await getClient().config.region();
        // The gate metric names the cell by its region; the alarm is in the calling region.
        const cell = input.MetricData![0].Dimensions!.find((d) => d.Name === "Region")!.Value;
        this.gates.set(`${cell}@${region}`, input.MetricData![0].Value!);
        return {};
      },
    );
    cw.on(DescribeAlarmsCommand).callsFake(
      async (input: DescribeAlarmsCommandInput, getClient: () => CloudWatchClient) => {
        const region = await getClient().config.region();
        return {
          MetricAlarms: input.AlarmNames!.map((name: string) => {
            const [, cell] = /^shop-writer-gate-(.+)$/.exec(name)!;
            // Open for the writer (us-east-1) in every gate region, closed for the others.
            const value = this.gates.get(`${cell}@${region}`) ?? (cell === US ? 1 : 0);
            return { AlarmName: name, StateValue: value >= 1 ? "OK" : "ALARM" };
          }),
        };
      },
    );
    const ddb = mockClient(DynamoDBClient);
    ddb.on(DescribeTableCommand).callsFake((input) => ({
      Table: {
        TableName: input.TableName,
        TableStatus: "ACTIVE",
        Replicas: manifests.map((m) => ({ RegionName: m.region, ReplicaStatus: "ACTIVE" })),
      },
    }));
    ddb.on(GetItemCommand).callsFake((input) => ({ Item: this.items.get(input.Key!.pk.S!) }));
    ddb.on(PutItemCommand).callsFake((input) => {
      this.items.set(input.Item!.pk.S!, input.Item!);
      return {};
    });
    const kafka = mockClient(KafkaClient);
    kafka.on(DescribeReplicatorCommand).callsFake((input) => ({
      ReplicatorArn: input.ReplicatorArn,
      ReplicatorName: "r",
      ReplicatorState: "RUNNING",
    }));
    const ec = mockClient(ElastiCacheClient);
    ec.on(DescribeGlobalReplicationGroupsCommand).callsFake(() => ({
      GlobalReplicationGroups: [
        {
          GlobalReplicationGroupId: "ldgnf-shop-global",
          Status: "available",
          Members: manifests.map((m) => ({
            ReplicationGroupId: m.stores.cache.replicationGroupId,
            ReplicationGroupRegion: m.region,
            Role: m.region === this.cachePrimary ? "PRIMARY" : "SECONDARY",
            Status: "associated",
          })),
        },
      ],
    }));
    ec.on(FailoverGlobalReplicationGroupCommand).callsFake((input) => {
      this.cachePrimary = input.PrimaryRegion!;
      return {};
    });
    const r53 = this.route53;
    r53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: [{ StatusReport: { Status: "Success: HTTP Status Code 200" } }],
    });
    const arc = mockClient(Route53RecoveryClusterClient);
    arc.on(GetRoutingControlStateCommand).callsFake((input) => ({
      RoutingControlArn: input.RoutingControlArn,
      RoutingControlState: this.arc.get(input.RoutingControlArn!) ?? "Off",
    }));
    arc.on(UpdateRoutingControlStatesCommand).callsFake((input) => {
      for (const e of input.UpdateRoutingControlStateEntries!)
        this.arc.set(e.RoutingControlArn!, e.RoutingControlState!);
      return {};
    });
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({
      Account: "123456789012",
      Arn: "arn:aws:sts::123456789012:assumed-role/DrOperator/oncall",
      UserId: "x",
    });
    // The writer-only consumers' mappings (on in the writer's region) and their empty queues.
    const mappings = new Map(
      manifests.flatMap((m) =>
        (m.stores.functions?.consumers ?? []).map((x) => [
          x.eventSourceMappingUuid,
          {
            UUID: x.eventSourceMappingUuid,
            EventSourceArn: x.sourceArn,
            State: m.region === US ? "Enabled" : "Disabled",
          },
        ]),
      ),
    );
    const lambda = mockClient(LambdaClient);
    lambda.on(GetEventSourceMappingCommand).callsFake((input) => mappings.get(input.UUID)!);
    lambda.on(UpdateEventSourceMappingCommand).callsFake((input) => {
      const m = mappings.get(input.UUID)!;
      m.State = input.Enabled ? "Enabled" : "Disabled";
      return m;
    });
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
        ApproximateNumberOfMessagesDelayed: "0",
      },
    });
    this.mocks = [
      ["lambda", lambda],
      ["sqs", sqs],
      ["rds", rds],
      ["cloudwatch", cw],
      ["dynamodb", ddb],
      ["kafka", kafka],
      ["elasticache", ec],
      ["route53", r53],
      ["arc", arc],
      ["sts", sts],
    ];
  }

  async sent(): Promise<Sent[]> {
    const out: Sent[] = [];
    for (const [service, mock] of this.mocks) {
      for (const call of mock.calls()) {
        const client = call.thisValue as {
          config: { region(): Promise<string>; endpoint?: () => Promise<{ hostname: string }> };
        };
        const command = call.args[0] as { constructor: { name: string }; input: unknown };
        out.push({
          // sinon numbers calls globally: this orders calls across clients.
          seq: (call as unknown as { callId: number }).callId,
          service,
          command: command.constructor.name.replace(/Command$/, ""),
          region: await client.config.region(),
          host: client.config.endpoint ? (await client.config.endpoint()).hostname : undefined,
          input: command.input,
        });
      }
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  restore(): void {
    for (const [, m] of this.mocks) m.restore();
  }
}

/** Everything a `failover` may send: reads and the documented data-plane writes. */
const FAILOVER_ALLOWED = new Set([
  "GetCallerIdentity",
  "DescribeGlobalClusters",
  "FailoverGlobalCluster",
  "GetMetricData",
  "PutMetricData",
  "DescribeAlarms",
  "DescribeTable",
  "GetItem",
  "PutItem",
  "DescribeReplicator",
  "DescribeGlobalReplicationGroups",
  "FailoverGlobalReplicationGroup",
  "GetRoutingControlState",
  "UpdateRoutingControlStates",
  // The target's consumers (Lambda's regional API in the target, never the failed region; not
  // traffic, and degradable: a failure never stops the run). The failed region is checked above.
  "GetEventSourceMapping",
  "UpdateEventSourceMapping",
]);

describe("data plane only: every SDK command a failover sends", () => {
  let f: CliFixture;
  let world: SdkWorld;
  afterEach(() => {
    world.restore();
    f.cleanup();
  });

  it("cloudwatch-gate switch: nothing to us-east-1, nothing to Route 53, AllowDataLoss set", async () => {
    f = new CliFixture();
    f.adapterFactory = AwsAdapters;
    world = new SdkWorld(f.manifests);
    const code = await f.run("failover", "--to", EU, "--allow-data-loss", "--yes", "--json");
    assert.equal(code, 0, f.stderr + f.stdout);
    assert.equal(JSON.parse(f.stdout).status, "succeeded");
    const sent = await world.sent();
    assert.ok(sent.length > 20);
    assert.deepEqual(
      sent.filter((s) => s.region === US),
      [],
      "nothing went to us-east-1",
    );
    // Everything went to eu-west-1 but the writer gates in the witness region.
    assert.deepEqual(
      [
        ...new Set(
          sent.filter((s) => s.region !== EU).map((s) => `${s.region} ${s.service} ${s.command}`),
        ),
      ].sort(),
      ["us-west-2 cloudwatch DescribeAlarms", "us-west-2 cloudwatch PutMetricData"],
    );
    assert.deepEqual(
      sent.filter((s) => s.service === "route53"),
      [],
    );
    for (const s of sent) {
      assert.ok(FAILOVER_ALLOWED.has(s.command), `unexpected ${s.command}`);
      assert.ok(s.command in ACTION_FOR_COMMAND, `the operator policy covers ${s.command}`);
    }
    const failover = sent.filter((s) => s.command === "FailoverGlobalCluster");
    assert.equal(failover.length, 1);
    assert.deepEqual(failover[0].input, {
      GlobalClusterIdentifier: "shop-global",
      TargetDbClusterIdentifier: f.manifests[1].stores.aurora!.clusterArn,
      AllowDataLoss: true,
    });
    // The failed cell's gates were closed, and the survivor's opened, in both gate regions the
    // run could reach (a majority of three).
    for (const region of [EU, "us-west-2"]) {
      assert.equal(world.gates.get(`${US}@${region}`), 0, region);
      assert.equal(world.gates.get(`${EU}@${region}`), 1, region);
    }
    assert.equal(world.gates.get(`${US}@${US}`), undefined, "never called");
    assert.equal(world.writer, EU);
    assert.equal(world.cachePrimary, EU);
    // The fence of the failed region, written in eu-west-1 before the promotion.
    const isClaim = (s: { input: unknown }) =>
      (s.input as { Item: { pk: { S?: string } } }).Item.pk.S === "run";
    const firstPut = sent.findIndex((s) => s.command === "PutItem" && !isClaim(s));
    assert.ok(firstPut < sent.findIndex((s) => s.command === "FailoverGlobalCluster"));
    assert.deepEqual((sent[firstPut].input as { Item: { pk: unknown; fenced: unknown } }).Item.pk, {
      S: "fence#us-east-1",
    });
  });

  it("ARC switch: the routing controls flip through an endpoint outside the failed region", async () => {
    f = new CliFixture();
    const arcManifests = f.manifests.map((m) => ({
      ...m,
      traffic: {
        ...m.traffic,
        switch: {
          type: "arc-routing-control" as const,
          clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc",
          routingControlArn: `arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/${m.cell}`,
          healthCheckId: `hc-arc-${m.cell}`,
        },
      },
    }));
    f.writeManifests(arcManifests);
    f.adapterFactory = AwsAdapters;
    world = new SdkWorld(arcManifests);
    const endpoints = ["us-east-1", "ap-southeast-2", "eu-west-1", "us-west-2", "ap-northeast-1"]
      .map((r) => `${r}=https://x.route53-recovery-cluster.${r}.amazonaws.com/v1`)
      .join(",");
    const code = await f.run(
      "failover",
      "--to",
      EU,
      "--allow-data-loss",
      "--yes",
      "--arc-endpoints",
      endpoints,
    );
    assert.equal(code, 0, f.stderr);
    const sent = await world.sent();
    assert.deepEqual(
      sent.filter((s) => s.region === US || s.host?.includes(US)),
      [],
    );
    // The old writer Off first, then the target On: never both on.
    const update = sent.filter((s) => s.command === "UpdateRoutingControlStates");
    const control = (m: DrManifest) =>
      m.traffic.switch.type === "arc-routing-control" ? m.traffic.switch.routingControlArn : "";
    assert.deepEqual(
      update.map((u) => u.input),
      [
        {
          UpdateRoutingControlStateEntries: [
            { RoutingControlArn: control(arcManifests[0]), RoutingControlState: "Off" },
          ],
        },
        {
          UpdateRoutingControlStateEntries: [
            { RoutingControlArn: control(arcManifests[1]), RoutingControlState: "On" },
          ],
        },
      ],
    );
    assert.ok(!sent.some((s) => s.service === "route53"));
  });

  it("switchover reads Route 53 health-check status and nothing else from Route 53", async () => {
    f = new CliFixture();
    f.adapterFactory = AwsAdapters;
    world = new SdkWorld(f.manifests);
    // Planned switchover: the writer health checks must flip for verify to pass.
    const r53 = world.route53;
    r53.on(GetHealthCheckStatusCommand).callsFake((input: { HealthCheckId: string }) => {
      // HTTPS checks are healthy; a gate's check follows its alarm in that region.
      const owner = f.manifests.find(
        (x) =>
          x.traffic.switch.type === "cloudwatch-gate" &&
          x.traffic.switch.gates.some((g) => g.healthCheckId === input.HealthCheckId),
      );
      const sw = owner?.traffic.switch;
      const gate =
        sw?.type === "cloudwatch-gate"
          ? sw.gates.find((g) => g.healthCheckId === input.HealthCheckId)
          : undefined;
      const open =
        !owner ||
        !gate ||
        (world.gates.get(`${owner.region}@${gate.region}`) ?? (owner.region === US ? 1 : 0)) >= 1;
      return {
        HealthCheckObservations: [{ StatusReport: { Status: open ? "Success" : "Failure" } }],
      };
    });
    assert.equal(await f.run("switchover", "--to", EU, "--yes"), 0, f.stderr);
    const sent = await world.sent();
    const r53Commands = new Set(sent.filter((s) => s.service === "route53").map((s) => s.command));
    assert.deepEqual([...r53Commands], ["GetHealthCheckStatus"]);
    for (const s of sent) assert.ok(s.command in ACTION_FOR_COMMAND, `policy covers ${s.command}`);
    assert.ok(!sent.some((s) => s.command === "FailoverGlobalCluster"));
    const switchovers = sent.filter((s) => s.command === "SwitchoverGlobalCluster");
    assert.equal(switchovers.length, 1);
    // AWS's guide: SwitchoverGlobalCluster is called in the current primary's region.
    assert.equal(switchovers[0].region, US);
  });
});

describe("data plane only: the source never imports a control-plane client", () => {
  it("no IAM, ARC-config, or Route 53 change calls anywhere in failover/", () => {
    const root = path.resolve(__dirname, "../..");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts") && !p.endsWith(".test.ts")) files.push(p);
      }
    };
    walk(root);
    const forbidden =
      /@aws-sdk\/client-iam|@aws-sdk\/client-route53-recovery-control-config|(ChangeResourceRecordSets|UpdateHealthCheck|CreateHealthCheck|DeleteHealthCheck)Command/;
    const offenders = files.filter((f) => forbidden.test(fs.readFileSync(f, "utf8")));
    assert.deepEqual(offenders, []);
  });
});
