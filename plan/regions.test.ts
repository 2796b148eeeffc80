import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { loadDrConfig, readStackConfig } from "../config";
import { renderViolations } from "./policies";
import { renderProgram } from "./render";
import {
  placementOf,
  REGION_EXCEPTIONS,
  regionFindings,
  WRITER_GATE_WITNESS_EXCEPTION,
} from "./regions";
import { PlacedResource, PROJECT_DIR, renderStack, StackRender } from "./stack";
import { steadyStateOnce } from "../testing";

const THREE_CELLS = path.join(__dirname, "fixtures", "three-cells");

/** Renders a small program in us-east-1 and places its resources as the plan does. */
async function renderTiny(program: () => void): Promise<PlacedResource[]> {
  const render = await renderProgram({
    stack: "tiny",
    config: { "aws:region": "us-east-1" },
    program: async () => {
      program();
    },
  });
  const providers = new Map(Object.entries(render.providers));
  return render.resources.map((r) => ({ ...r, placement: placementOf(r, "us-east-1", providers) }));
}

describe("the region of every resource", function () {
  this.timeout(180_000);
  const renders = new Map<string, StackRender>();
  /** Deployments the shipped stacks do not cover: a home cell outside us-east-1 (the edge). */
  const variants = new Map<string, StackRender>();

  before(async () => {
    for (const [set, dir] of [
      ["shipped", PROJECT_DIR],
      ["three-cells", THREE_CELLS],
    ]) {
      for (const [stack, r] of await steadyStateOnce(dir)) {
        renders.set(`${set}/${stack}`, r);
      }
    }
    const homeInEuw1 = {
      ...readStackConfig(PROJECT_DIR, "prod-euw1"),
      "dr:homeRegion": "eu-west-1",
    };
    variants.set(
      "home-in-eu-west-1/prod-euw1",
      await renderStack("prod-euw1", { config: homeInEuw1 }),
    );
  });

  it("renders every shipped stack and each of the three fixture cells", () => {
    assert.deepEqual([...renders.keys()].sort(), [
      "shipped/prod-euw1",
      "shipped/prod-use1",
      "three-cells/prod-apse1",
      "three-cells/prod-euw1",
      "three-cells/prod-use1",
    ]);
  });

  it("places every AWS resource in its stack's region, globally, or under a listed exception", () => {
    for (const [name, render] of [...renders, ...variants]) {
      for (const r of render.resources) {
        if (r.custom && r.type.startsWith("aws:")) {
          assert.ok(r.placement.region, `${name}: ${r.type} ${r.name} has no region`);
        }
      }
      const uncovered = regionFindings(render.resources, render.config).filter(
        (f) => f.exception === undefined,
      );
      assert.deepEqual(uncovered, [], `${name}: resources outside ${render.config.region}`);
    }
  });

  it("uses every listed exception somewhere (a stale entry would hide a new finding)", () => {
    const used = new Set<string>();
    for (const render of [...renders.values(), ...variants.values()]) {
      for (const f of regionFindings(render.resources, render.config)) {
        if (f.exception) used.add(f.exception);
      }
    }
    assert.deepEqual([...used].sort(), REGION_EXCEPTIONS.map((e) => e.id).sort());
  });

  it("manages a joiner's table replicas through the home region, and nothing else of its data", () => {
    const euw1 = renders.get("three-cells/prod-euw1")!;
    const through = (type: string) =>
      euw1.resources.filter((r) => r.type === type).map((r) => r.placement.managedThrough);
    assert.deepEqual(through("aws:dynamodb/tableReplica:TableReplica"), [
      ["eu-west-1", "us-east-1"],
      ["eu-west-1", "us-east-1"],
      ["eu-west-1", "us-east-1"],
    ]);
    for (const type of [
      "aws:rds/cluster:Cluster",
      "aws:elasticache/replicationGroup:ReplicationGroup",
    ]) {
      assert.deepEqual(through(type), [["eu-west-1"]], type);
    }
  });

  it("witness-region gate alarms are the only resources placed outside a cell's region", () => {
    for (const [name, render] of renders) {
      const placed = regionFindings(render.resources, render.config).filter(
        (f) => f.kind === "placement",
      );
      for (const f of placed) assert.equal(f.exception, WRITER_GATE_WITNESS_EXCEPTION.id, name);
    }
  });

  it("registers no resource inside an apply", () => {
    for (const [name, render] of renders) {
      assert.deepEqual(renderViolations(render), [], name);
    }
  });

  it("the region check fails on a resource placed or managed elsewhere", async () => {
    const resources = await renderTiny(() => {
      new aws.sqs.Queue("here", {});
      new aws.sqs.Queue("there", { region: "ap-south-1" });
      const west = new aws.Provider("west", { region: "us-west-2" });
      new aws.s3.Bucket("viaProvider", {}, { provider: west });
      new aws.iam.Role("role", { assumeRolePolicy: "{}" });
      new aws.dynamodb.TableReplica("replica", {
        globalTableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders",
      });
    });
    const by = (n: string) => resources.find((r) => r.name === n)!.placement;
    assert.deepEqual(by("here"), {
      region: "us-east-1",
      basis: "stack",
      managedThrough: ["us-east-1"],
    });
    assert.deepEqual(by("there"), {
      region: "ap-south-1",
      basis: "input",
      managedThrough: ["ap-south-1"],
    });
    assert.deepEqual(by("viaProvider"), {
      region: "us-west-2",
      basis: "provider",
      managedThrough: ["us-west-2"],
    });
    assert.deepEqual(by("role"), { region: "global", basis: "global", managedThrough: [] });
    const config = loadDrConfig("prod-use1", readStackConfig(PROJECT_DIR, "prod-use1"));
    const findings = regionFindings(resources, config);
    assert.deepEqual(
      findings.map((f) => [f.resource, f.kind, f.region, f.exception]),
      [
        ["there", "placement", "ap-south-1", undefined],
        ["viaProvider", "placement", "us-west-2", undefined],
        // The home stack has no replicas: the exception for joiners does not cover it.
        ["replica", "management", "eu-west-1", undefined],
      ],
    );
  });

  it("flags a resource constructed inside an apply, also after an await in the callback", async () => {
    const resources = await renderTiny(() => {
      const bucket = new aws.s3.Bucket("bucket", {});
      bucket.arn.apply((arn) => new aws.sqs.Queue("syncInApply", { name: arn.length.toString() }));
      bucket.arn.apply(async () => {
        await new Promise((r) => setTimeout(r, 1));
        new aws.sqs.Queue("asyncInApply", {});
      });
      pulumi.all([bucket.arn]).apply(() => undefined);
    });
    const flagged = renderViolations({ resources }).map((v) => v.resource);
    assert.deepEqual(flagged.sort(), ["asyncInApply", "syncInApply"]);
  });
});
