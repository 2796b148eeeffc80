/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read untyped provider inputs */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ReplicationSource, StreamingCell, StreamingCellArgs } from "./streamingCell";
import {
  exactTopicPattern,
  kafkaResourceArns,
  parseMskClusterArn,
  planReplicator,
} from "./replication";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";
import { mskStoreSchema } from "../../manifest/schema";

const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const peer: ReplicationSource = {
  clusterArn:
    "arn:aws:kafka:us-east-1:123456789012:cluster/shop-use1-msk/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-1",
  clientSubnetIds: ["subnet-use1a", "subnet-use1b", "subnet-use1c"],
  securityGroupIds: ["sg-use1msk"],
};
const apse1: ReplicationSource = {
  clusterArn:
    "arn:aws:kafka:ap-southeast-1:123456789012:cluster/shop-apse1-msk/5a6b7c8d-aaaa-bbbb-cccc-1234567890ab-1",
  clientSubnetIds: ["subnet-apse1a", "subnet-apse1b", "subnet-apse1c"],
  securityGroupIds: ["sg-apse1msk"],
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

  it("defers every peer's replicator on a first deploy, before the peers exist", async () => {
    const { render: r, cell } = await render(
      args({
        peers: [
          { region: "us-east-1", stack: "prod-use1" },
          { region: "ap-southeast-1", stack: "prod-apse1" },
        ],
      }),
    );
    assert.equal(byType(r, "aws:msk/replicator:Replicator").length, 0);
    assert.equal(byType(r, "aws:iam/role:Role").length, 0);
    assert.deepEqual(cell.plannedReplicators, []);
    assert.equal(await promiseOf(cell.brokers), 3);
    const deferred = await promiseOf(cell.deferred);
    assert.equal(deferred.length, 2);
    assert.match(deferred[0], /MSK Replicator from us-east-1 .*prod-use1's DR manifest/);
    assert.match(deferred[1], /MSK Replicator from ap-southeast-1 .*run `pulumi up` again/);
    assert.ok(
      r.logs.some((l) => l.severity === "info" && /MSK Replicator from us-east-1/.test(l.message)),
    );
    const store = await promiseOf(cell.manifestMsk);
    assert.equal(mskStoreSchema.safeParse(store).success, true);
    assert.deepEqual(store.replicators, []);
  });

  it("starts LEGACY from a peer that does not replicate from this cell yet, and says ENHANCED follows", async () => {
    const { render: r, cell } = await render(
      args({ peers: [{ region: "us-east-1", stack: "prod-use1", source: peer }] }),
    );
    const cluster = named(r, "msk-cluster");
    const sg = named(r, "msk-securityGroup");
    const replicator = oneOf(r, "aws:msk/replicator:Replicator");
    const role = oneOf(r, "aws:iam/role:Role");
    assert.equal(replicator.name, "msk-replicator-use1");
    assert.equal(replicator.parent, "msk");
    assert.equal(replicator.inputs.replicatorName, "shop-euw1-msk-from-use1");
    assert.equal(role.inputs.name, "shop-euw1-msk-from-use1");
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
    // The first replicator from a peer copies the peer's retained history.
    assert.deepEqual(topics.startingPosition, { type: "EARLIEST" });
    const groups = info.consumerGroupReplications[0];
    assert.equal(groups.synchroniseConsumerGroupOffsets, true);
    assert.equal(groups.detectAndCopyNewConsumerGroups, true);
    assert.deepEqual(groups.consumerGroupsToReplicates, [".*"]);
    assert.equal(groups.consumerGroupOffsetSyncMode, "LEGACY");
    assert.ok(
      replicator.ignoreChanges.includes(
        "replicationInfoList.topicReplications[0].startingPosition",
      ),
    );

    const [src, tgt] = replicator.inputs.kafkaClusters as Array<Record<string, any>>;
    assert.deepEqual(src, {
      amazonMskCluster: { mskClusterArn: peer.clusterArn },
      vpcConfig: { subnetIds: peer.clientSubnetIds, securityGroupsIds: peer.securityGroupIds },
    });
    assert.deepEqual(tgt, {
      amazonMskCluster: { mskClusterArn: cluster.state.arn },
      vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupsIds: [sg.id] },
    });

    const deferred = await promiseOf(cell.deferred);
    assert.equal(deferred.length, 1);
    assert.match(
      deferred[0],
      /uses LEGACY offset sync .*until prod-use1 replicates from eu-west-1/,
    );
    assert.deepEqual(cell.plannedReplicators, [
      {
        sourceRegion: "us-east-1",
        replicatorName: "shop-euw1-msk-from-use1",
        offsetSyncMode: "LEGACY",
      },
    ]);

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
      replicators: [
        {
          sourceRegion: "us-east-1",
          sourceClusterArn: peer.clusterArn,
          replicatorArn: replicator.state.arn,
          replicatorName: "shop-euw1-msk-from-use1",
          offsetSyncMode: "LEGACY",
          startingPosition: "EARLIEST",
        },
      ],
    });
  });

  it("is ENHANCED once the peer replicates from this cell: a new replicator, same role", async () => {
    // The peer's reverse replicator is LEGACY: this cell has none from it yet (fresh pair).
    const fresh = await render(
      args({
        peers: [{ region: "us-east-1", source: { ...peer, reverseReplicatorMode: "LEGACY" } }],
      }),
    );
    const replicator = oneOf(fresh.render, "aws:msk/replicator:Replicator");
    assert.equal(replicator.name, "msk-replicatorEnhanced-use1");
    assert.equal(replicator.inputs.replicatorName, "shop-euw1-msk-from-use1-enhanced");
    // The role keeps its name, so the LEGACY replicator's role carries over.
    assert.equal(oneOf(fresh.render, "aws:iam/role:Role").name, "msk-replicatorRole-use1");
    assert.equal(oneOf(fresh.render, "aws:iam/role:Role").inputs.name, "shop-euw1-msk-from-use1");
    const info = replicator.inputs.replicationInfoList as Record<string, any>;
    assert.equal(info.consumerGroupReplications[0].consumerGroupOffsetSyncMode, "ENHANCED");
    assert.deepEqual(info.topicReplications[0].topicNameConfiguration, { type: "IDENTICAL" });
    assert.deepEqual(info.topicReplications[0].startingPosition, { type: "EARLIEST" });
    assert.deepEqual(await promiseOf(fresh.cell.deferred), []);

    // The peer's reverse is already ENHANCED (and started at EARLIEST): it saw this cell's
    // LEGACY replicator, which has copied the peer's history, so the ENHANCED one replacing it
    // starts at LATEST.
    const upgrade = await render(
      args({
        peers: [
          {
            region: "us-east-1",
            source: {
              ...peer,
              reverseReplicatorMode: "ENHANCED",
              reverseReplicatorStartingPosition: "EARLIEST",
            },
          },
        ],
      }),
    );
    const replacing = oneOf(upgrade.render, "aws:msk/replicator:Replicator");
    assert.deepEqual(
      (replacing.inputs.replicationInfoList as any).topicReplications[0].startingPosition,
      { type: "LATEST" },
    );
    const store = await promiseOf(upgrade.cell.manifestMsk);
    assert.equal(store.replicators[0].offsetSyncMode, "ENHANCED");
    assert.equal(store.replicators[0].startingPosition, "LATEST");

    // The first cell of the pair, on its next `pulumi up`: the reverse started at LATEST, so
    // its own (created at EARLIEST) stays EARLIEST and nothing changes.
    const settled = await render(
      args({
        peers: [
          {
            region: "us-east-1",
            source: {
              ...peer,
              reverseReplicatorMode: "ENHANCED",
              reverseReplicatorStartingPosition: "LATEST",
            },
          },
        ],
      }),
    );
    assert.deepEqual(
      (oneOf(settled.render, "aws:msk/replicator:Replicator").inputs.replicationInfoList as any)
        .topicReplications[0].startingPosition,
      { type: "EARLIEST" },
    );
    assert.equal(store.replicators[0].replicatorName, "shop-euw1-msk-from-use1-enhanced");

    // offsetSyncMode LEGACY keeps LEGACY even with the reverse in place, and defers nothing.
    const legacy = await render(
      args({
        offsetSyncMode: "LEGACY",
        peers: [{ region: "us-east-1", source: { ...peer, reverseReplicatorMode: "ENHANCED" } }],
      }),
    );
    const kept = oneOf(legacy.render, "aws:msk/replicator:Replicator");
    assert.equal(
      (kept.inputs.replicationInfoList as any).consumerGroupReplications[0]
        .consumerGroupOffsetSyncMode,
      "LEGACY",
    );
    assert.deepEqual(await promiseOf(legacy.cell.deferred), []);
  });

  it("runs one replicator per peer in a three-cell deployment, each from its own peer", async () => {
    const { render: r, cell } = await render(
      args({
        peers: [
          { region: "us-east-1", source: { ...peer, reverseReplicatorMode: "ENHANCED" } },
          { region: "ap-southeast-1", source: { ...apse1, reverseReplicatorMode: "ENHANCED" } },
        ],
      }),
    );
    const replicators = byType(r, "aws:msk/replicator:Replicator");
    assert.deepEqual(
      replicators.map((x) => x.name),
      ["msk-replicatorEnhanced-use1", "msk-replicatorEnhanced-apse1"],
    );
    const sources = replicators.map(
      (x) => (x.inputs.replicationInfoList as any).sourceKafkaClusterArn as string,
    );
    assert.deepEqual(sources, [peer.clusterArn, apse1.clusterArn]);
    const cluster = named(r, "msk-cluster");
    for (const x of replicators) {
      const info = x.inputs.replicationInfoList as any;
      assert.equal(info.targetKafkaClusterArn, cluster.state.arn);
      assert.equal(info.consumerGroupReplications[0].consumerGroupOffsetSyncMode, "ENHANCED");
      assert.deepEqual(info.topicReplications[0].topicNameConfiguration, { type: "IDENTICAL" });
    }
    // Each replicator's role reaches its own peer's cluster and this one, nothing else.
    const policies = byType(r, "aws:iam/rolePolicy:RolePolicy");
    assert.equal(policies.length, 2);
    const reach = policies.map(
      (p) => JSON.parse(String(p.inputs.policy)).Statement[0].Resource as string[],
    );
    assert.deepEqual(reach, [
      [peer.clusterArn, cluster.state.arn],
      [apse1.clusterArn, cluster.state.arn],
    ]);
    assert.equal(
      new Set(byType(r, "aws:iam/role:Role").map((x) => x.inputs.name)).size,
      2,
      "one role per replicator",
    );
    const store = await promiseOf(cell.manifestMsk);
    assert.equal(mskStoreSchema.safeParse(store).success, true);
    assert.deepEqual(
      store.replicators.map((x) => [x.sourceRegion, x.replicatorName, x.offsetSyncMode]),
      [
        ["us-east-1", "shop-euw1-msk-from-use1-enhanced", "ENHANCED"],
        ["ap-southeast-1", "shop-euw1-msk-from-apse1-enhanced", "ENHANCED"],
      ],
    );
    assert.deepEqual(await promiseOf(cell.deferred), []);
  });

  it("defers only the peer that is not deployed yet; the others replicate", async () => {
    const { render: r, cell } = await render(
      args({
        peers: [
          {
            region: "us-east-1",
            stack: "prod-use1",
            source: { ...peer, reverseReplicatorMode: "ENHANCED" },
          },
          { region: "ap-southeast-1", stack: "prod-apse1" },
        ],
      }),
    );
    const replicator = oneOf(r, "aws:msk/replicator:Replicator");
    assert.equal(
      (replicator.inputs.replicationInfoList as any).sourceKafkaClusterArn,
      peer.clusterArn,
    );
    const deferred = await promiseOf(cell.deferred);
    assert.equal(deferred.length, 1);
    assert.match(
      deferred[0],
      /^MSK Replicator from ap-southeast-1 .*prod-apse1's DR manifest publishes stores\.msk/,
    );
    assert.deepEqual(
      cell.plannedReplicators.map((p) => p.sourceRegion),
      ["us-east-1"],
    );
  });

  it("creates no replicator and defers nothing without peers", async () => {
    const { render: r, cell } = await render(args());
    assert.equal(byType(r, "aws:msk/replicator:Replicator").length, 0);
    assert.deepEqual(await promiseOf(cell.deferred), []);
    assert.deepEqual((await promiseOf(cell.manifestMsk)).replicators, []);
  });

  /** The aliases each resource of a StreamingCell is registered with (the render drops them). */
  async function aliasesOf(a: StreamingCellArgs): Promise<Map<string, unknown[]>> {
    const aliases = new Map<string, unknown[]>();
    await renderComponent(
      () => {
        // Read them where Pulumi receives them.
        pulumi.runtime.registerStackTransformation((t) => {
          aliases.set(t.name, [...(t.opts.aliases ?? [])]);
          return undefined;
        });
        new StreamingCell("msk", a);
      },
      { region: "eu-west-1" },
    );
    return aliases;
  }

  it("keeps the single replicator's old names as aliases on the first ready peer's resources only", async () => {
    let aliases = await aliasesOf(
      args({
        peers: [
          { region: "us-east-1", source: peer },
          { region: "ap-southeast-1", source: apse1 },
        ],
      }),
    );
    // Existing deployments upgrading in place keep their replicator, role and policy.
    assert.deepEqual(aliases.get("msk-replicator-use1"), [{ name: "msk-replicator" }]);
    assert.deepEqual(aliases.get("msk-replicatorRole-use1"), [{ name: "msk-replicatorRole" }]);
    assert.deepEqual(aliases.get("msk-replicatorPolicy-use1"), [{ name: "msk-replicatorPolicy" }]);
    assert.deepEqual(aliases.get("msk-replicator-apse1"), []);
    assert.deepEqual(aliases.get("msk-replicatorRole-apse1"), []);
    assert.deepEqual(aliases.get("msk-replicatorPolicy-apse1"), []);

    // An ENHANCED replicator is a new resource and takes no alias; its role and policy keep theirs.
    aliases = await aliasesOf(
      args({
        peers: [
          { region: "ap-southeast-1" },
          { region: "us-east-1", source: { ...peer, reverseReplicatorMode: "ENHANCED" } },
        ],
      }),
    );
    assert.deepEqual(aliases.get("msk-replicatorEnhanced-use1"), []);
    assert.deepEqual(aliases.get("msk-replicatorRole-use1"), [{ name: "msk-replicatorRole" }]);
  });

  it("scopes each replicator's role to its two clusters and lets only MSK assume it", async () => {
    const { render: r } = await render(args({ peers: [{ region: "us-east-1", source: peer }] }));
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
        {
          peers: [
            {
              region: "us-east-1",
              source: { ...peer, clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:x" },
            },
          ],
        },
        /peers\[0\]\.source\.clusterArn.*not an MSK cluster ARN.*stores\.msk\.clusterArn/s,
      ],
      [
        "a source in this cell's own region",
        {
          peers: [
            {
              region: "us-east-1",
              source: { ...peer, clusterArn: peer.clusterArn.replace("us-east-1", "eu-west-1") },
            },
          ],
        },
        /peers\[0\]\.source\.clusterArn.*own region.*peer cell's cluster/s,
      ],
      [
        "a source without subnets",
        { peers: [{ region: "us-east-1", source: { ...peer, clientSubnetIds: [] } }] },
        /peers\[0\]\.source\.clientSubnetIds.*is empty.*stores\.msk\.clientSubnetIds/s,
      ],
      [
        "fewer subnets than AZs",
        { subnetIds: ["subnet-a", "subnet-b"] },
        /subnetIds.*one private subnet per AZ/s,
      ],
      [
        "a peer listed twice",
        { peers: [{ region: "us-east-1", source: peer }, { region: "us-east-1" }] },
        /peers\[1\]\.region.*listed twice/s,
      ],
      [
        "a peer in this cell's region",
        { peers: [{ region: "eu-west-1" }] },
        /peers\[0\]\.region.*own region/s,
      ],
      [
        "a misspelt peer region",
        { peers: [{ region: "us-east-9" }] },
        /peers\[0\]\.region.*not an AWS region/s,
      ],
      [
        "a peer whose cluster is in another region",
        { peers: [{ region: "ap-southeast-1", source: peer }] },
        /peers\[0\]\.source\.clusterArn.*is in us-east-1 but peers\[0\]\.region is ap-southeast-1/s,
      ],
      [
        "peers in two accounts",
        {
          peers: [
            { region: "us-east-1", source: peer },
            {
              region: "ap-southeast-1",
              source: {
                ...apse1,
                clusterArn: apse1.clusterArn.replace("123456789012", "210987654321"),
              },
            },
          ],
        },
        /peers\[1\]\.source\.clusterArn.*account 210987654321.*within one account/s,
      ],
      [
        "a peer with no security groups",
        { peers: [{ region: "us-east-1", source: { ...peer, securityGroupIds: [] } }] },
        /peers\[0\]\.source\.securityGroupIds.*is empty/s,
      ],
      [
        "an unknown reverse mode",
        {
          peers: [
            { region: "us-east-1", source: { ...peer, reverseReplicatorMode: "FAST" as never } },
          ],
        },
        /peers\[0\]\.source\.reverseReplicatorMode.*"LEGACY" or "ENHANCED"/s,
      ],
      [
        "an unknown offset sync mode",
        { offsetSyncMode: "BOTH" as never },
        /offsetSyncMode.*"ENHANCED" or "LEGACY"/s,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => {
        const error = await renderError(args(overrides));
        assert.match(String(error.message ?? error), message);
      });
    }

    it("lists every bad arg at once, not only the first", async () => {
      const error = await renderError(
        args({ topics: ["bad topic!"], brokersPerAz: 0, kafkaVersion: "2.6.2" }),
      );
      const message = String(error.message ?? error);
      assert.match(message, /dr:msk:StreamingCell .* has 4 invalid args/);
      for (const key of [
        "topics\\[0\\]",
        "brokersPerAz.*1 to 10",
        "fewer than 3 brokers",
        "kafkaVersion",
      ]) {
        assert.match(message, new RegExp(key));
      }
    });

    it("checks every peer before creating anything", async () => {
      let caught: unknown;
      const r = await renderComponent(
        () => {
          try {
            new StreamingCell(
              "msk",
              args({
                peers: [
                  { region: "us-east-1", source: peer },
                  { region: "ap-southeast-1", source: { ...apse1, securityGroupIds: [] } },
                ],
              }),
            );
          } catch (e) {
            caught = e;
          }
        },
        { region: "eu-west-1" },
      );
      assert.match(
        String((caught as Error)?.message),
        /peers\[1\]\.source\.securityGroupIds.*is empty/s,
      );
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

describe("components/msk planReplicator", () => {
  const base = { baseName: "shop-euw1-msk-from-use1", sourceRegion: "us-east-1" };
  it("is LEGACY without the reverse replicator and ENHANCED with it", () => {
    assert.deepEqual(planReplicator({ ...base, reverseMode: undefined }), {
      sourceRegion: "us-east-1",
      replicatorName: "shop-euw1-msk-from-use1",
      roleName: "shop-euw1-msk-from-use1",
      offsetSyncMode: "LEGACY",
      startingPosition: "EARLIEST",
      pendingEnhanced: true,
    });
    const enhanced = planReplicator({ ...base, reverseMode: "LEGACY" });
    assert.equal(enhanced.offsetSyncMode, "ENHANCED");
    assert.equal(enhanced.replicatorName, "shop-euw1-msk-from-use1-enhanced");
    assert.equal(enhanced.roleName, "shop-euw1-msk-from-use1");
    assert.equal(enhanced.startingPosition, "EARLIEST");
    assert.equal(planReplicator({ ...base, reverseMode: "ENHANCED" }).startingPosition, "LATEST");
    assert.equal(
      planReplicator({ ...base, reverseMode: "ENHANCED", reverseStartingPosition: "EARLIEST" })
        .startingPosition,
      "LATEST",
    );
    assert.equal(
      planReplicator({ ...base, reverseMode: "ENHANCED", reverseStartingPosition: "LATEST" })
        .startingPosition,
      "EARLIEST",
    );
    assert.equal(
      planReplicator({ ...base, reverseMode: "ENHANCED", startingPosition: "EARLIEST" })
        .startingPosition,
      "EARLIEST",
    );
    const legacy = planReplicator({ ...base, reverseMode: "ENHANCED", desiredMode: "LEGACY" });
    assert.equal(legacy.offsetSyncMode, "LEGACY");
    assert.equal(legacy.pendingEnhanced, false);
  });
});
