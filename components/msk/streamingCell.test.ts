/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read untyped provider inputs */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { StreamingCell, StreamingCellArgs } from "./streamingCell";
import { exactTopicPattern, kafkaResourceArns, parseMskClusterArn } from "./replication";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";
import { mskStoreSchema } from "../../manifest/schema";

const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const peer = {
  clusterArn:
    "arn:aws:kafka:us-east-1:123456789012:cluster/shop-use1-msk/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-1",
  clientSubnetIds: ["subnet-use1a", "subnet-use1b", "subnet-use1c"],
  securityGroupIds: ["sg-use1msk"],
};

function args(overrides: Partial<StreamingCellArgs> = {}): StreamingCellArgs {
  return {
    identity,
    kafkaVersion: "3.8.x",
    brokerInstanceType: "kafka.m7g.large",
    azCount: 3,
    volumeGb: 200,
    topics: ["orders", "payments"],
    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1",
    vpcId: "vpc-euw1",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    allowedCidrBlocks: ["10.20.0.0/16"],
    ...overrides,
  };
}

/** Renders the component and resolves its outputs inside the same mock runtime. */
async function render(a: StreamingCellArgs) {
  let cell: StreamingCell | undefined;
  const r = await renderComponent(
    () => {
      cell = new StreamingCell("msk", a);
    },
    { region: "eu-west-1" },
  );
  return { render: r, cell: cell! };
}

async function renderError(a: StreamingCellArgs): Promise<Error> {
  try {
    await renderComponent(() => new StreamingCell("msk", a), { region: "eu-west-1" });
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the render to fail");
}

describe("components/msk StreamingCell", () => {
  it("creates an IAM-only, TLS-only, KMS-encrypted cluster spread over the AZs", async () => {
    const { render: r } = await render(args({ brokersPerAz: 2 }));
    const cluster = oneOf(r, "aws:msk/cluster:Cluster");
    const sg = oneOf(r, "aws:ec2/securityGroup:SecurityGroup");
    assert.equal(cluster.name, "msk-cluster");
    assert.equal(cluster.parent, "msk");
    assert.equal(cluster.inputs.clusterName, "shop-euw1-msk");
    assert.equal(cluster.inputs.numberOfBrokerNodes, 6);
    const nodes = cluster.inputs.brokerNodeGroupInfo as Record<string, any>;
    assert.deepEqual(nodes.clientSubnets, ["subnet-a", "subnet-b", "subnet-c"]);
    assert.deepEqual(nodes.securityGroups, [sg.id]);
    assert.equal(nodes.storageInfo.ebsStorageInfo.volumeSize, 200);
    assert.equal(nodes.connectivityInfo.vpcConnectivity.clientAuthentication.sasl.iam, true);
    assert.deepEqual(cluster.inputs.clientAuthentication, {
      sasl: { iam: true },
      unauthenticated: false,
    });
    assert.deepEqual(cluster.inputs.encryptionInfo, {
      encryptionAtRestKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1",
      encryptionInTransit: { clientBroker: "TLS", inCluster: true },
    });
    assert.equal(cluster.inputs.enhancedMonitoring, "PER_TOPIC_PER_BROKER");
    assert.equal((cluster.inputs.tags as Record<string, string>)["dr:cell"], "euw1");
    const ingress = sg.inputs.ingress as Array<Record<string, unknown>>;
    assert.ok(
      ingress.some(
        (i) => i.fromPort === 9098 && (i.cidrBlocks as string[])?.[0] === "10.20.0.0/16",
      ),
    );
  });

  it("lets MSK Replicator in other regions read the cluster through a cluster policy", async () => {
    const { render: r } = await render(args());
    const cluster = oneOf(r, "aws:msk/cluster:Cluster");
    const policy = oneOf(r, "aws:msk/clusterPolicy:ClusterPolicy");
    assert.equal(policy.inputs.clusterArn, cluster.state.arn);
    const doc = JSON.parse(String(policy.inputs.policy));
    assert.deepEqual(doc.Statement[0].Principal, { Service: ["kafka.amazonaws.com"] });
    assert.deepEqual(doc.Statement[0].Action.sort(), [
      "kafka:CreateVpcConnection",
      "kafka:DescribeClusterV2",
      "kafka:GetBootstrapBrokers",
    ]);
    assert.equal(doc.Statement[0].Resource, cluster.state.arn);
  });

  it("defers the replicator on a first deploy, before the peer exists", async () => {
    const { render: r, cell } = await render(args());
    assert.equal(byType(r, "aws:msk/replicator:Replicator").length, 0);
    assert.equal(byType(r, "aws:iam/role:Role").length, 0);
    assert.equal(await promiseOf(cell.replicatorDeferred), true);
    assert.equal(await promiseOf(cell.replicatorArn), null);
    assert.equal(await promiseOf(cell.sourceClusterArn), null);
    assert.equal(await promiseOf(cell.brokers), 3);
    const deferred = await promiseOf(cell.deferred);
    assert.equal(deferred.length, 1);
    assert.match(deferred[0], /MSK Replicator.*run `pulumi up` again/);
    assert.ok(r.logs.some((l) => l.severity === "info" && /MSK Replicator/.test(l.message)));
    const store = await promiseOf(cell.manifestMsk);
    assert.equal(mskStoreSchema.safeParse(store).success, true);
    assert.equal(store.replicatorArn, null);
  });

  it("pulls the peer's topics into this cluster with identical names and offset sync", async () => {
    const { render: r, cell } = await render(args({ source: peer }));
    const cluster = named(r, "msk-cluster");
    const sg = named(r, "msk-securityGroup");
    const replicator = oneOf(r, "aws:msk/replicator:Replicator");
    const role = oneOf(r, "aws:iam/role:Role");
    assert.equal(replicator.parent, "msk");
    assert.equal(replicator.inputs.replicatorName, "shop-euw1-msk-from-use1");
    assert.equal(replicator.inputs.serviceExecutionRoleArn, role.state.arn);
    // The replicator lives in this cell's region (the provider default): no region override.
    assert.equal(replicator.inputs.region, undefined);

    const info = replicator.inputs.replicationInfoList as Record<string, any>;
    assert.equal(info.sourceKafkaClusterArn, peer.clusterArn);
    assert.equal(info.targetKafkaClusterArn, cluster.state.arn);
    const topics = info.topicReplications[0];
    assert.deepEqual(topics.topicNameConfiguration, { type: "IDENTICAL" });
    assert.deepEqual(topics.topicsToReplicates, ["^orders$", "^payments$"]);
    assert.equal(topics.detectAndCopyNewTopics, true);
    assert.deepEqual(topics.startingPosition, { type: "EARLIEST" });
    const groups = info.consumerGroupReplications[0];
    assert.equal(groups.synchroniseConsumerGroupOffsets, true);
    assert.equal(groups.detectAndCopyNewConsumerGroups, true);
    assert.deepEqual(groups.consumerGroupsToReplicates, [".*"]);
    assert.equal(groups.consumerGroupOffsetSyncMode, "LEGACY");

    const [src, tgt] = replicator.inputs.kafkaClusters as Array<Record<string, any>>;
    assert.deepEqual(src, {
      amazonMskCluster: { mskClusterArn: peer.clusterArn },
      vpcConfig: { subnetIds: peer.clientSubnetIds, securityGroupsIds: peer.securityGroupIds },
    });
    assert.deepEqual(tgt, {
      amazonMskCluster: { mskClusterArn: cluster.state.arn },
      vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupsIds: [sg.id] },
    });

    assert.equal(await promiseOf(cell.replicatorDeferred), false);
    assert.equal(await promiseOf(cell.replicatorArn), replicator.state.arn);
    assert.equal(await promiseOf(cell.sourceClusterArn), peer.clusterArn);
    assert.equal(await promiseOf(cell.replicatorName), "shop-euw1-msk-from-use1");
    assert.deepEqual(await promiseOf(cell.deferred), []);

    const store = await promiseOf(cell.manifestMsk);
    const parsed = mskStoreSchema.safeParse(store);
    assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
    assert.deepEqual(store, {
      clusterArn: cluster.state.arn,
      clusterName: "shop-euw1-msk",
      kafkaVersion: "3.8.x",
      bootstrapBrokersIam: cluster.state.bootstrapBrokersSaslIam,
      clientSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      securityGroupIds: [sg.id],
      topics: ["orders", "payments"],
      brokers: 3,
      brokerInstanceType: "kafka.m7g.large",
      replicatorArn: replicator.state.arn,
      sourceClusterArn: peer.clusterArn,
    });
  });

  it("scopes the replicator's role to the two clusters and lets only MSK assume it", async () => {
    const { render: r } = await render(args({ source: peer }));
    const cluster = named(r, "msk-cluster");
    const role = oneOf(r, "aws:iam/role:Role");
    const policy = oneOf(r, "aws:iam/rolePolicy:RolePolicy");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    assert.deepEqual(trust.Statement[0].Principal, { Service: "kafka.amazonaws.com" });
    assert.deepEqual(trust.Statement[0].Condition, {
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
    assert.equal(policy.inputs.role, role.id);
    const doc = JSON.parse(String(policy.inputs.policy));
    const resources = doc.Statement.flatMap((s: { Resource: string[] }) => s.Resource);
    assert.ok(resources.includes(peer.clusterArn));
    assert.ok(resources.includes(cluster.state.arn));
    assert.ok(
      resources.every((arn: string) => !arn.includes(":cluster/*")),
      "no wildcard cluster",
    );
    const byId = Object.fromEntries(doc.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    assert.ok(byId.ClusterPermissions.Action.includes("kafka-cluster:WriteDataIdempotently"));
    assert.deepEqual(byId.TopicPermissions.Resource, [
      kafkaResourceArns(peer.clusterArn).topics,
      kafkaResourceArns(String(cluster.state.arn)).topics,
    ]);
  });

  it("accepts the peer as an Output (a StackReference value) and builds once it resolves", async () => {
    const { render: r, cell } = await render(args({ source: pulumi.output(peer) }));
    const replicator = oneOf(r, "aws:msk/replicator:Replicator");
    assert.equal(
      (replicator.inputs.replicationInfoList as Record<string, string>).sourceKafkaClusterArn,
      peer.clusterArn,
    );
    assert.equal(await promiseOf(cell.replicatorDeferred), false);

    const deferred = await render(args({ source: pulumi.output(undefined) }));
    assert.equal(byType(deferred.render, "aws:msk/replicator:Replicator").length, 0);
    assert.equal(await promiseOf(deferred.cell.replicatorDeferred), true);
  });

  it("caps the brokers at 3 AZs and warns when the cell spans more", async () => {
    const { render: r, cell } = await render(
      args({ azCount: 4, subnetIds: ["subnet-a", "subnet-b", "subnet-c", "subnet-d"] }),
    );
    const cluster = oneOf(r, "aws:msk/cluster:Cluster");
    assert.equal(cluster.inputs.numberOfBrokerNodes, 3);
    assert.deepEqual((cluster.inputs.brokerNodeGroupInfo as any).clientSubnets, [
      "subnet-a",
      "subnet-b",
      "subnet-c",
    ]);
    assert.equal(await promiseOf(cell.brokers), 3);
    assert.ok(r.logs.some((l) => l.severity === "warn" && /at most 3 AZs/.test(l.message)));
  });

  describe("rejects bad args, naming the key and the fix", () => {
    const cases: Array<[string, Partial<StreamingCellArgs>, RegExp]> = [
      ["an empty topic list", { topics: [] }, /topics.*at least one topic/s],
      ["a bad topic name", { topics: ["orders", "bad topic!"] }, /topics\[1\].*Kafka topic name/s],
      ["a duplicate topic", { topics: ["orders", "orders"] }, /topics\[1\].*twice/s],
      ["brokersPerAz 0", { brokersPerAz: 0 }, /brokersPerAz.*1 to 10/s],
      ["one AZ", { azCount: 1 }, /azCount.*at least 2 AZs/s],
      ["fewer than 3 brokers", { azCount: 2 }, /fewer than 3 brokers/],
      ["an old Kafka", { kafkaVersion: "2.6.2" }, /kafkaVersion.*2\.7\.1 or later/s],
      [
        "a source that is not an MSK ARN",
        { source: { ...peer, clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:x" } },
        /source\.clusterArn.*not an MSK cluster ARN/s,
      ],
      [
        "a source in this cell's own region",
        { source: { ...peer, clusterArn: peer.clusterArn.replace("us-east-1", "eu-west-1") } },
        /source\.clusterArn.*own region/s,
      ],
      [
        "a source without subnets",
        { source: { ...peer, clientSubnetIds: [] } },
        /source\.clientSubnetIds.*is empty/s,
      ],
      [
        "fewer subnets than AZs",
        { subnetIds: ["subnet-a", "subnet-b"] },
        /subnetIds.*one private subnet per AZ/s,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => {
        const error = await renderError(args(overrides));
        assert.match(String(error.message ?? error), message);
      });
    }

    it("checks a plain source before creating anything", async () => {
      let caught: unknown;
      const r = await renderComponent(
        () => {
          try {
            new StreamingCell("msk", args({ source: { ...peer, securityGroupIds: [] } }));
          } catch (e) {
            caught = e;
          }
        },
        { region: "eu-west-1" },
      );
      assert.match(String((caught as Error)?.message), /source\.securityGroupIds.*is empty/s);
      assert.deepEqual(
        r.resources.filter((res) => res.type.startsWith("aws:")).map((res) => res.name),
        [],
      );
    });
  });
});

describe("components/msk replication helpers", () => {
  it("parses MSK cluster ARNs into IAM resource names", () => {
    assert.deepEqual(parseMskClusterArn(peer.clusterArn), {
      partition: "aws",
      region: "us-east-1",
      accountId: "123456789012",
      clusterName: "shop-use1-msk",
      clusterUuid: "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-1",
    });
    assert.equal(
      parseMskClusterArn("arn:aws:kafka:us-east-1:123456789012:replicator/x/y"),
      undefined,
    );
    assert.deepEqual(kafkaResourceArns(peer.clusterArn), {
      cluster: peer.clusterArn,
      topics:
        "arn:aws:kafka:us-east-1:123456789012:topic/shop-use1-msk/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-1/*",
      groups:
        "arn:aws:kafka:us-east-1:123456789012:group/shop-use1-msk/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-1/*",
    });
  });

  it("matches topic names exactly, escaping regex characters", () => {
    const pattern = new RegExp(exactTopicPattern("orders.v1"));
    assert.ok(pattern.test("orders.v1"));
    assert.ok(!pattern.test("ordersXv1"));
    assert.ok(!pattern.test("orders.v10"));
  });
});
