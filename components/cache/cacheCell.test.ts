import { strict as assert } from "assert";
import { CacheCell, CacheCellArgs } from "./cacheCell";
import { cacheArgIssues } from "./validate";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";
import { DESTRUCTIVE_PROPERTIES, outOfBandProperties } from "../switchover/outOfBand";

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";

const homeArgs: CacheCellArgs = {
  identity: { app: "shop", cell: "use1", region: "us-east-1" },
  role: "home",
  engine: "valkey",
  engineVersion: "7.2",
  nodeType: "cache.r7g.large",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-1234",
  vpcId: "vpc-0home",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  allowedCidrBlocks: ["10.10.0.0/16"],
  globalDatastoreSuffix: "shop-global",
};

const joinerArgs: CacheCellArgs = {
  ...homeArgs,
  identity: { app: "shop", cell: "euw1", region: "eu-west-1" },
  role: "joiner",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234",
  vpcId: "vpc-0joiner",
  allowedCidrBlocks: ["10.20.0.0/16"],
  globalReplicationGroupId: "ldgnf-shop-global",
};

/** Inputs the provider refuses on a member joining a global datastore (ConflictsWith). */
const INHERITED_FROM_DATASTORE = [
  "engine",
  "engineVersion",
  "nodeType",
  "parameterGroupName",
  "numNodeGroups",
  "atRestEncryptionEnabled",
  "transitEncryptionEnabled",
  "transitEncryptionMode",
  "securityGroupNames",
  "snapshotArns",
  "snapshotName",
];

function badArg(path: string, reason: RegExp) {
  return (
    e: Error & { propertyPath?: string; errors?: { propertyPath: string; reason: string }[] },
  ) => {
    const all = e.errors ?? [{ propertyPath: e.propertyPath ?? "", reason: e.message }];
    return (
      all.some((x) => x.propertyPath === path && reason.test(x.reason)) && e.message.includes(path)
    );
  };
}

describe("components/cache CacheCell", () => {
  it("home: an encrypted Multi-AZ group under a protected global datastore", async () => {
    let cache: CacheCell | undefined;
    const render = await renderComponent(() => (cache = new CacheCell("c", homeArgs)));
    const group = oneOf(render, GROUP);
    const subnets = named(render, "c-subnetGroup");
    const sg = named(render, "c-securityGroup");
    assert.equal(group.name, "c-replicationGroup");
    assert.equal(group.parent, "c");
    assert.equal(group.inputs.replicationGroupId, "shop-use1-cache");
    assert.equal(group.inputs.engine, "valkey");
    assert.equal(group.inputs.engineVersion, "7.2");
    assert.equal(group.inputs.nodeType, "cache.r7g.large");
    assert.equal(group.inputs.numCacheClusters, 2, "primary + 1 replica by default");
    assert.equal(group.inputs.multiAzEnabled, true);
    assert.equal(group.inputs.automaticFailoverEnabled, true);
    assert.equal(group.inputs.atRestEncryptionEnabled, true);
    assert.equal(group.inputs.kmsKeyId, homeArgs.kmsKeyArn);
    assert.equal(group.inputs.transitEncryptionEnabled, true);
    assert.equal(group.inputs.subnetGroupName, subnets.state.name);
    assert.deepEqual(group.inputs.securityGroupIds, [sg.id]);
    assert.equal(group.inputs.globalReplicationGroupId, undefined);
    assert.deepEqual(group.ignoreChanges, [...outOfBandProperties(GROUP), "nodeType"]);

    assert.deepEqual(subnets.inputs.subnetIds, homeArgs.subnetIds);
    assert.equal(sg.inputs.vpcId, "vpc-0home");
    assert.deepEqual(sg.inputs.ingress, [
      {
        protocol: "tcp",
        fromPort: 6379,
        toPort: 6379,
        cidrBlocks: ["10.10.0.0/16"],
        description: "Cache clients (TLS)",
      },
    ]);

    const datastore = oneOf(render, GLOBAL);
    assert.equal(datastore.name, "c-globalDatastore");
    assert.equal(datastore.inputs.globalReplicationGroupIdSuffix, "shop-global");
    assert.equal(datastore.inputs.primaryReplicationGroupId, group.id);
    assert.equal(datastore.protect, true);
    assert.deepEqual(datastore.ignoreChanges, outOfBandProperties(GLOBAL));
    assert.ok(datastore.ignoreChanges.includes("primaryReplicationGroupId"));
    assert.equal(datastore.inputs.engineVersion, undefined, "the datastore inherits the version");
    assert.equal(datastore.inputs.cacheNodeType, "cache.r7g.large", "node type scales through it");

    assert.equal(await promiseOf(cache!.globalReplicationGroupId), "ldgnf-shop-global");
    assert.equal(await promiseOf(cache!.replicationGroupId), "shop-use1-cache");
    assert.equal(
      await promiseOf(cache!.primaryEndpoint),
      group.state.primaryEndpointAddress as string,
    );
    assert.match(await promiseOf(cache!.primaryEndpoint), /^master\.shop-use1-cache\./);
    assert.equal(await promiseOf(cache!.engine), "valkey");
  });

  it("joiner: a secondary group in the datastore that sets only what AWS allows", async () => {
    let cache: CacheCell | undefined;
    const render = await renderComponent(
      () => (cache = new CacheCell("c", { ...joinerArgs, replicas: 2 })),
      {
        region: "eu-west-1",
      },
    );
    assert.equal(byType(render, GLOBAL).length, 0, "a joiner does not create a datastore");
    const group = oneOf(render, GROUP);
    assert.equal(group.inputs.globalReplicationGroupId, "ldgnf-shop-global");
    assert.equal(group.inputs.replicationGroupId, "shop-euw1-cache");
    assert.equal(group.inputs.kmsKeyId, joinerArgs.kmsKeyArn, "at-rest key of this region");
    assert.equal(group.inputs.numCacheClusters, 3);
    assert.equal(group.inputs.multiAzEnabled, true);
    assert.equal(group.inputs.automaticFailoverEnabled, true);
    for (const inherited of INHERITED_FROM_DATASTORE) {
      assert.equal(group.inputs[inherited], undefined, `a secondary must not set ${inherited}`);
    }
    assert.deepEqual(group.ignoreChanges, outOfBandProperties(GROUP));
    assert.equal(named(render, "c-securityGroup").inputs.vpcId, "vpc-0joiner");

    assert.equal(await promiseOf(cache!.globalReplicationGroupId), "ldgnf-shop-global");
    assert.match(await promiseOf(cache!.primaryEndpoint), /eu-west-1|euwest1/);
    assert.equal(await promiseOf(cache!.nodeType), "cache.r7g.large");
  });

  it("ignores no property whose change would replace the datastore or leave it", async () => {
    for (const [args, region] of [
      [homeArgs, "us-east-1"],
      [joinerArgs, "eu-west-1"],
    ] as const) {
      const render = await renderComponent(() => new CacheCell("c", args), { region });
      for (const r of [...byType(render, GROUP), ...byType(render, GLOBAL)]) {
        for (const p of DESTRUCTIVE_PROPERTIES[r.type] ?? []) {
          if (r.type === GLOBAL && p === "primaryReplicationGroupId") continue; // changes on failover
          assert.ok(!r.ignoreChanges.includes(p), `${r.name} ignores ${p}`);
        }
      }
    }
  });

  it("requires the full global datastore id on a joiner", async () => {
    await assert.rejects(
      renderComponent(
        () => new CacheCell("c", { ...joinerArgs, globalReplicationGroupId: undefined }),
      ),
      badArg("globalReplicationGroupId", /required on a joiner.*home DR manifest/),
    );
    await assert.rejects(
      renderComponent(
        () => new CacheCell("c", { ...joinerArgs, globalReplicationGroupId: "shop-global" }),
      ),
      badArg("globalReplicationGroupId", /only the suffix; AWS prefixes it/),
    );
    await assert.rejects(
      renderComponent(
        () => new CacheCell("c", { ...joinerArgs, globalReplicationGroupId: "ldgnf-other-global" }),
      ),
      badArg("globalReplicationGroupId", /not the id of global datastore 'shop-global'/),
    );
  });

  it("refuses a datastore id on the home cell", async () => {
    await assert.rejects(
      renderComponent(
        () => new CacheCell("c", { ...homeArgs, globalReplicationGroupId: "ldgnf-shop-global" }),
      ),
      /globalReplicationGroupId is for joiners only/,
    );
  });

  it("names every bad arg and the fix", () => {
    const issues = cacheArgIssues({
      ...homeArgs,
      engine: "memcached",
      engineVersion: "latest",
      nodeType: "cache.t4g.micro",
      replicas: 0,
      subnetIds: ["subnet-a"],
      allowedCidrBlocks: ["10.0.1.0/16"],
      globalDatastoreSuffix: "Shop_Global",
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.propertyPath, i.reason]));
    assert.match(byPath.engine, /use valkey or redis/);
    assert.match(byPath.engineVersion, /such as 7.2/);
    assert.match(byPath.nodeType, /burstable.*M or R type/);
    assert.match(byPath.replicas, /at least one replica/);
    assert.match(byPath.subnetIds, /at least 2 availability zones/);
    assert.match(byPath["allowedCidrBlocks[0]"], /not an IPv4 CIDR/);
    assert.match(byPath.globalDatastoreSuffix, /a-z, 0-9 and single hyphens/);
    assert.match(
      Object.fromEntries(
        cacheArgIssues({
          ...homeArgs,
          identity: { app: "sg", cell: "a-very-long-cell-name-x", region: "us-east-1" },
        }).map((i) => [i.propertyPath, i.reason]),
      ).identity,
      /'sg-a-very-long-cell-name-x-cache'.*shorten or rename dr:app or dr:cell/,
    );
    assert.deepEqual(cacheArgIssues(homeArgs), []);
    assert.deepEqual(cacheArgIssues(joinerArgs), []);
  });

  it("reports several bad args at once, naming the component", async () => {
    await assert.rejects(
      renderComponent(() => new CacheCell("c", { ...homeArgs, replicas: 9, nodeType: "m5" })),
      (e: Error & { errors?: { propertyPath: string }[] }) =>
        /dr:cache:CacheCell c has 2 invalid args/.test(e.message) &&
        (e.errors ?? [])
          .map((x) => x.propertyPath)
          .sort()
          .join() === "nodeType,replicas",
    );
  });
});
