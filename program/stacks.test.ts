import { strict as assert } from "assert";
import { readStackConfig } from "../config";
import { cellShape, HOME_ONLY_TYPES, JOINER_ONLY_TYPES } from "../components/cell";
import { OUT_OF_BAND_PROPERTIES } from "../components/switchover";
import { renderProgram, RenderedResource } from "../plan/render";
import { PROJECT_DIR, renderStack, StackRender } from "../plan/stack";
import { steadyStateOnce } from "../testing";
import { postFailoverState, simulatedDiff } from "./switchoverWorld";
import { cellProgram } from "./index";

const only = (r: StackRender, type: string) => r.resources.filter((x) => x.type === type);
const one = (r: StackRender, type: string): RenderedResource => {
  const found = only(r, type);
  assert.equal(found.length, 1, `expected one ${type} in ${r.stack}, found ${found.length}`);
  return found[0];
};

describe("stacks: both cells rendered from their own Pulumi.<stack>.yaml", function () {
  let use1: StackRender;
  let euw1: StackRender;

  before(async () => {
    const renders = await steadyStateOnce();
    use1 = renders.get("prod-use1")!;
    euw1 = renders.get("prod-euw1")!;
  });

  it("renders a home cell in us-east-1 and a joiner in eu-west-1, each with a valid manifest", () => {
    assert.equal(use1.manifest.region, "us-east-1");
    assert.equal(use1.manifest.roleAtCreation, "home");
    assert.equal(euw1.manifest.region, "eu-west-1");
    assert.equal(euw1.manifest.roleAtCreation, "joiner");
    assert.deepEqual(use1.manifest.deferred, []);
    assert.deepEqual(euw1.manifest.deferred, []);
    assert.ok(use1.resources.length > 50, `only ${use1.resources.length} resources`);
  });

  it("the two cells have the same shape apart from the documented home-only objects", () => {
    assert.deepEqual(cellShape(euw1.resources), cellShape(use1.resources));
    for (const type of Object.keys(HOME_ONLY_TYPES)) {
      assert.equal(only(euw1, type).length, 0, `${type} must be home-only`);
    }
    for (const type of Object.keys(JOINER_ONLY_TYPES)) {
      assert.equal(only(use1, type).length, 0, `${type} must be joiner-only`);
      assert.ok(only(euw1, type).length > 0, `${type} missing from the joiner`);
    }
    assert.ok(only(use1, "aws:rds/globalCluster:GlobalCluster").length === 1);
  });

  it("every resource is a descendant of the RegionalCell, named after its parent", () => {
    for (const r of [...use1.resources, ...euw1.resources]) {
      if (r.type === "dr:cell:RegionalCell" || r.type === "pulumi:pulumi:StackReference") continue;
      assert.ok(r.parent, `${r.type} ${r.name} has no parent`);
      assert.ok(
        r.name.startsWith(r.parent!),
        `${r.name} is not named after its parent ${r.parent}`,
      );
    }
  });

  it("wires the joiner's secondary cluster to the home global cluster, without credentials", () => {
    const global = one(use1, "aws:rds/globalCluster:GlobalCluster");
    const clusters = only(euw1, "aws:rds/cluster:Cluster");
    assert.equal(clusters.length, 1);
    const secondary = clusters[0];
    assert.equal(secondary.inputs.globalClusterIdentifier, global.inputs.globalClusterIdentifier);
    assert.equal(secondary.inputs.engineVersion, global.inputs.engineVersion);
    assert.equal(secondary.inputs.masterUsername, undefined);
    assert.equal(secondary.inputs.masterPassword, undefined);
    const primary = one(use1, "aws:rds/cluster:Cluster");
    assert.equal(primary.inputs.globalClusterIdentifier, global.inputs.globalClusterIdentifier);
  });

  it("wires each table replica to the home table of the same name", () => {
    const homeTables = only(use1, "aws:dynamodb/table:Table");
    const replicas = only(euw1, "aws:dynamodb/tableReplica:TableReplica");
    assert.equal(replicas.length, homeTables.length);
    const homeArns = homeTables.map((t) => t.state.arn).sort();
    assert.deepEqual(replicas.map((r) => r.inputs.globalTableArn).sort(), homeArns);
    assert.ok(
      homeTables.some((t) => t.inputs.name === "shop-dr-control"),
      "control table missing",
    );
  });

  it("replicates MSK both ways: each cell's replicator pulls from the peer's cluster", () => {
    for (const [self, peer] of [
      [use1, euw1],
      [euw1, use1],
    ]) {
      const replicator = one(self, "aws:msk/replicator:Replicator");
      const text = JSON.stringify(replicator.inputs);
      assert.ok(
        text.includes(peer.manifest.stores.msk.clusterArn),
        `${self.stack} replicator does not read the peer`,
      );
      assert.ok(
        text.includes(self.manifest.stores.msk.clusterArn),
        `${self.stack} replicator does not write locally`,
      );
      assert.deepEqual(
        self.manifest.stores.msk.replicators.map((r) => r.sourceClusterArn),
        [peer.manifest.stores.msk.clusterArn],
      );
    }
  });

  it("routes writers by weight behind a gate majority that never includes the HTTPS check", () => {
    for (const r of [use1, euw1]) {
      const t = r.manifest.traffic;
      const records = only(r, "aws:route53/record:Record");
      const latency = records.find((x) => x.inputs.latencyRoutingPolicies !== undefined);
      const writerRecord = records.find((x) => x.inputs.weightedRoutingPolicies !== undefined);
      assert.ok(latency && writerRecord, `${r.stack}: latency and weighted writer records`);
      assert.equal(records.filter((x) => x.inputs.failoverRoutingPolicies).length, 0);
      assert.equal(latency.inputs.healthCheckId, t.healthCheck.healthCheckId);
      assert.equal(writerRecord.inputs.healthCheckId, t.healthCheck.writerHealthCheckId);
      assert.equal(writerRecord.inputs.name, t.writerRecord?.name);
      assert.ok(Number(latency.inputs.ttl) <= 60 && Number(writerRecord.inputs.ttl) <= 60);
      const writer = only(r, "aws:route53/healthCheck:HealthCheck").find(
        (h) => h.id === t.healthCheck.writerHealthCheckId,
      )!;
      const children = writer.inputs.childHealthchecks as string[];
      assert.ok(!children.includes(t.healthCheck.healthCheckId), "HTTPS never moves the writer");
      assert.equal(t.switch.type, "cloudwatch-gate");
      if (t.switch.type !== "cloudwatch-gate") continue;
      assert.deepEqual(
        children,
        t.switch.gates.map((g) => g.healthCheckId),
      );
      assert.equal(writer.inputs.childHealthThreshold, 2, "a majority of three gate regions");
      assert.deepEqual(t.switch.witnessRegions, ["us-west-2"]);
      assert.deepEqual(t.switch.gates.map((g) => g.region).sort(), [
        "eu-west-1",
        "us-east-1",
        "us-west-2",
      ]);
    }
    // The gate one stack hosts for the other is the one the other's writer check counts.
    const hostedByUse1 = use1.manifest.traffic.hostedGates.find(
      (g) => g.forRegion === "eu-west-1",
    )!;
    const euw1Switch = euw1.manifest.traffic.switch;
    assert.ok(
      euw1Switch.type === "cloudwatch-gate" &&
        euw1Switch.gates.some(
          (g) => g.healthCheckId === hostedByUse1.healthCheckId && g.hostedBy === "prod-use1",
        ),
    );
  });

  it("puts the cache and the database in the isolated subnets, as subnetLayout.ts says", () => {
    for (const r of [use1, euw1]) {
      const vpc = r.resources.find((x) => x.type === "awsx:ec2:Vpc")!;
      const isolated = vpc.state.isolatedSubnetIds as string[];
      assert.equal(isolated.length, 3);
      for (const type of [
        "aws:elasticache/subnetGroup:SubnetGroup",
        "aws:rds/subnetGroup:SubnetGroup",
      ]) {
        assert.deepEqual(one(r, type).inputs.subnetIds, isolated, `${r.stack} ${type}`);
      }
    }
  });

  it("publishes no secret in a plain output", () => {
    for (const r of [use1, euw1]) {
      const passwords = only(use1, "random:index/randomPassword:RandomPassword").map((p) =>
        String(p.state.result),
      );
      assert.ok(passwords.length > 0);
      const outputs = JSON.stringify(r.outputs);
      for (const p of passwords)
        assert.ok(!outputs.includes(p), `${r.stack} leaks the master password`);
      assert.deepEqual(r.secretOutputs, []);
    }
  });
});

describe("stacks: deploy order and first deploys", () => {
  it("the home cell's first deploy succeeds without its peer and says what a second up adds", async () => {
    const first = await renderStack("prod-use1");
    assert.ok(first.manifest.deferred.length >= 2, first.manifest.deferred.join("; "));
    assert.ok(first.manifest.deferred.some((d) => /MSK replicator/.test(d)));
    assert.equal(only(first, "aws:msk/replicator:Replicator").length, 0);
    assert.equal(only(first, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length, 0);
    // Each deferral is told exactly once, with what to run next.
    const infos = first.logs.filter((l) => l.severity === "info").map((l) => l.message);
    const once = (re: RegExp) =>
      assert.equal(infos.filter((m) => re.test(m)).length, 1, `${re}: ${JSON.stringify(infos)}`);
    once(/Deferred: S3 replication to the bucket of prod-euw1.*run 'pulumi up -s prod-use1' again/);
    once(/MSK Replicator from eu-west-1 into .*run `pulumi up` again/);
    once(/Deferred: the writer record \(its gate check needs the writer gate prod-euw1 hosts/);
    // No writer record yet, but the gate this stack hosts for the peer exists already.
    assert.equal(first.manifest.traffic.writerRecord, null);
    assert.deepEqual(
      first.manifest.traffic.hostedGates.map((g) => g.forRegion),
      ["eu-west-1"],
    );
  });

  it("a joiner deployed before the home cell fails with the deploy order, creating nothing", async () => {
    await assert.rejects(
      renderStack("prod-euw1"),
      /Deploy the home cell first: 'pulumi up -s prod-use1'/,
    );
  });

  it("a bad config fails the program before any resource is created", async () => {
    const raw = {
      ...readStackConfig(PROJECT_DIR, "prod-use1"),
      "dr:dns": JSON.stringify({ ttlSeconds: 600 }),
    };
    let registered = -1;
    await assert.rejects(async () => {
      const render = await renderProgram({
        stack: "prod-use1",
        config: raw,
        program: () => cellProgram(),
      }).catch((e) => {
        registered = 0;
        throw e;
      });
      registered = render.resources.length;
    }, /dr:dns.ttlSeconds: must be at most 60/);
    assert.equal(registered, 0);
  });
});

describe("stacks: switchover-safe by construction", () => {
  let normal: Map<string, StackRender>;
  before(async () => {
    normal = await steadyStateOnce();
  });

  for (const scenario of ["switchover", "failover"] as const) {
    it(`after a ${scenario} to eu-west-1, re-rendering gives the same inputs and no destructive diff`, async () => {
      const peers = Object.fromEntries([...normal].map(([s, r]) => [s, r.manifest]));
      for (const [stack, before] of normal) {
        const world = postFailoverState(scenario, "eu-west-1", before);
        const after = await renderStack(stack, {
          peerManifests: Object.fromEntries(Object.entries(peers).filter(([s]) => s !== stack)),
          overrideState: world,
        });
        const stateful = Object.keys(OUT_OF_BAND_PROPERTIES);
        for (const r of after.resources) {
          const b = before.resources.find((x) => x.type === r.type && x.name === r.name);
          assert.ok(b, `${stack}: ${r.name} appeared after the ${scenario}`);
          assert.deepEqual(
            r.inputs,
            b.inputs,
            `${stack}: inputs of ${r.name} changed after the ${scenario}`,
          );
          if (!stateful.includes(r.type)) continue;
          const diff = simulatedDiff(r, r.ignoreChanges);
          assert.deepEqual(
            diff.destructive,
            [],
            `${stack}: ${r.name} would be replaced or detached: ${diff.destructive}`,
          );
        }
        // The guard is load-bearing: without ignoreChanges the same world is destructive.
        if (stack === "prod-use1") {
          const unguarded = after.resources
            .filter((r) => stateful.includes(r.type))
            .flatMap((r) => simulatedDiff(r, []).destructive);
          assert.ok(
            unguarded.length > 0,
            "the simulated post-failover world changed nothing destructive",
          );
        }
      }
    });
  }

  it("protects the global objects", () => {
    const use1 = normal.get("prod-use1")!;
    for (const type of [
      "aws:rds/globalCluster:GlobalCluster",
      "aws:dynamodb/table:Table",
      "aws:kms/key:Key",
      "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    ]) {
      for (const r of only(use1, type))
        assert.ok(r.protect, `${r.name} (${type}) is not protected`);
    }
  });

  it("ignores every out-of-band property on every stateful resource of both cells", () => {
    for (const r of [...normal.values()].flatMap((x) => x.resources)) {
      for (const p of OUT_OF_BAND_PROPERTIES[r.type] ?? []) {
        assert.ok(r.ignoreChanges.includes(p), `${r.name} (${r.type}) does not ignore ${p}`);
      }
    }
  });
});
