import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CellNetwork } from "./network";
import { subnetLayout } from "./subnetLayout";
import { named, oneOf, promiseOf, renderComponent } from "../../testing";

type Spec = { type: string; cidrBlocks: string[]; tags?: Record<string, string> };
type EndpointSpec = {
  serviceName: string;
  vpcEndpointType: string;
  routeTableIds?: unknown;
  tags: Record<string, string>;
};

describe("components/network CellNetwork", () => {
  const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };

  async function renderNetwork(args: {
    cidrBlock: string;
    azCount?: number;
    availabilityZoneNames?: string[];
  }) {
    let network: CellNetwork | undefined;
    const render = await renderComponent(
      () => (network = new CellNetwork("net", { identity, ...args })),
      { region: "eu-west-1" },
    );
    return { render, network: network! };
  }

  it("lays out private, isolated and public subnets in 3 AZs by default, with DNS and a NAT per AZ", async () => {
    const { render } = await renderNetwork({ cidrBlock: "10.20.0.0/16" });
    const vpc = oneOf(render, "awsx:ec2:Vpc");
    assert.equal(vpc.name, "net-vpc");
    assert.equal(vpc.parent, "net");
    assert.equal(vpc.inputs.cidrBlock, "10.20.0.0/16");
    assert.equal(vpc.inputs.numberOfAvailabilityZones, 3);
    assert.equal(vpc.inputs.enableDnsHostnames, true);
    assert.equal(vpc.inputs.enableDnsSupport, true);
    assert.deepEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
    // Explicit cidrBlocks under "Auto" select awsx's explicit allocator: our plan, unchanged.
    assert.equal(vpc.inputs.subnetStrategy, "Auto");
    const specs = vpc.inputs.subnetSpecs as Spec[];
    const byType = Object.fromEntries(specs.map((s) => [s.type, s.cidrBlocks]));
    const layout = subnetLayout("10.20.0.0/16", 3);
    assert.deepEqual(byType, {
      Private: layout.private,
      Isolated: layout.isolated,
      Public: layout.public,
    });
    assert.deepEqual(byType.Private, ["10.20.0.0/19", "10.20.64.0/19", "10.20.128.0/19"]);
    assert.equal(specs.find((s) => s.type === "Public")!.tags!["kubernetes.io/role/elb"], "1");
    assert.deepEqual(vpc.inputs.tags, {
      Name: "shop-euw1-vpc",
      "dr:app": "shop",
      "dr:cell": "euw1",
      "dr:region": "eu-west-1",
    });
  });

  it("asks awsx for S3 and DynamoDB gateway endpoints on the route tables it generates", async () => {
    const { render } = await renderNetwork({ cidrBlock: "10.20.0.0/16" });
    const vpc = named(render, "net-vpc");
    // Without "Auto" awsx creates gateway endpoints attached to no route table (awsx #1627).
    assert.equal(vpc.inputs.vpcEndpointStrategy, "Auto");
    const endpoints = vpc.inputs.vpcEndpointSpecs as EndpointSpec[];
    assert.deepEqual(
      endpoints.map((e) => [e.serviceName, e.vpcEndpointType]),
      [
        ["com.amazonaws.eu-west-1.s3", "Gateway"],
        ["com.amazonaws.eu-west-1.dynamodb", "Gateway"],
      ],
    );
    // Left out so that awsx fills in its own private, isolated and public route tables.
    endpoints.forEach((e) => assert.equal(e.routeTableIds, undefined));
    assert.equal(endpoints[0].tags.Name, "shop-euw1-s3-endpoint");
  });

  it("outputs the VPC id, the CIDR, the AZ count and one subnet per AZ and tier", async () => {
    const { network } = await renderNetwork({ cidrBlock: "10.20.0.0/16", azCount: 4 });
    assert.match(await promiseOf(network.vpcId), /^vpc-[0-9a-f]{17}$/);
    assert.equal(await promiseOf(network.cidrBlock), "10.20.0.0/16");
    assert.equal(network.azCount, 4);
    const [pub, priv, iso] = await Promise.all([
      promiseOf(network.publicSubnetIds),
      promiseOf(network.privateSubnetIds),
      promiseOf(network.isolatedSubnetIds),
    ]);
    for (const ids of [pub, priv, iso]) {
      assert.equal(ids.length, 4);
      ids.forEach((id) => assert.match(id, /^subnet-[0-9a-f]{17}$/));
    }
    assert.equal(new Set([...pub, ...priv, ...iso]).size, 12, "subnet ids are distinct");
  });

  it("spans 4 AZs when asked, each AZ getting a quarter of the VPC", async () => {
    const { render } = await renderNetwork({ cidrBlock: "10.30.0.0/18", azCount: 4 });
    const vpc = named(render, "net-vpc");
    assert.equal(vpc.inputs.numberOfAvailabilityZones, 4);
    const priv = (vpc.inputs.subnetSpecs as Spec[]).find((s) => s.type === "Private")!;
    assert.deepEqual(priv.cidrBlocks, [
      "10.30.0.0/21",
      "10.30.16.0/21",
      "10.30.32.0/21",
      "10.30.48.0/21",
    ]);
  });

  it("uses the zones named instead of the region's first ones", async () => {
    const { render, network } = await renderNetwork({
      cidrBlock: "10.20.0.0/16",
      availabilityZoneNames: ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"],
    });
    const vpc = named(render, "net-vpc");
    assert.deepEqual(vpc.inputs.availabilityZoneNames, [
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1d",
    ]);
    assert.equal(vpc.inputs.numberOfAvailabilityZones, undefined, "awsx takes one or the other");
    assert.equal(network.azCount, 4);
    assert.equal((await promiseOf(network.privateSubnetIds)).length, 4);
  });

  describe("rejects bad arguments with an InputPropertyError naming the field", () => {
    type Args = { cidrBlock: string; azCount?: number; availabilityZoneNames?: string[] };
    const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
    const cases: Array<[string, Args, string, RegExp]> = [
      ["a /24 block", { cidrBlock: "10.20.0.0/24" }, "cidrBlock", /\/16 to \/20/],
      ["a /8 block", { cidrBlock: "10.0.0.0/8" }, "cidrBlock", /\/16 to \/20/],
      ["a block off its boundary", { cidrBlock: "10.20.1.0/16" }, "cidrBlock", /10\.10\.0\.0\/16/],
      ["something that is not a CIDR", { cidrBlock: "vpc" }, "cidrBlock", /IPv4 CIDR/],
      ["2 AZs", { cidrBlock: "10.20.0.0/16", azCount: 2 }, "azCount", /at least 3 AZs/],
      ["7 AZs", { cidrBlock: "10.20.0.0/16", azCount: 7 }, "azCount", /from 3 to 6/],
      ["2.5 AZs", { cidrBlock: "10.20.0.0/16", azCount: 2.5 }, "azCount", /whole number/],
      [
        "a zone of another region",
        { cidrBlock: "10.20.0.0/16", availabilityZoneNames: ["us-east-1a", ...zones.slice(1)] },
        "availabilityZoneNames",
        /not a zone of eu-west-1/,
      ],
      [
        "a zone listed twice",
        { cidrBlock: "10.20.0.0/16", availabilityZoneNames: [...zones.slice(0, 2), zones[0]] },
        "availabilityZoneNames",
        /2 distinct/,
      ],
      [
        "zones that disagree with azCount",
        { cidrBlock: "10.20.0.0/16", azCount: 4, availabilityZoneNames: zones },
        "availabilityZoneNames",
        /as many as azCount/,
      ],
      [
        "only two zones",
        { cidrBlock: "10.20.0.0/16", availabilityZoneNames: zones.slice(0, 2) },
        "azCount",
        /at least 3 AZs/,
      ],
    ];
    for (const [label, args, path, reason] of cases) {
      it(label, async () => {
        await assert.rejects(renderNetwork(args), (err: unknown) => {
          assert.ok(pulumi.InputPropertyError.isInstance(err), String(err));
          assert.equal(err.propertyPath, path);
          assert.match(err.reason, reason);
          return true;
        });
      });
    }

    it("lists every bad argument at once, not only the first", async () => {
      const args = { cidrBlock: "10.20.0.0/24", availabilityZoneNames: ["us-east-1a"] };
      await assert.rejects(renderNetwork(args), (err: unknown) => {
        assert.ok(pulumi.InputPropertiesError.isInstance(err), String(err));
        assert.deepEqual(
          err.errors.map((e) => e.propertyPath),
          ["availabilityZoneNames", "cidrBlock", "azCount"],
        );
        assert.match(err.message, /dr:network:CellNetwork .* has 3 invalid args/);
        return true;
      });
    });
  });
});
