import * as assert from "node:assert/strict";
import { renderProgram, Render } from "../../plan/render";
import { readStackFile } from "../../plan/stack";
import { MANIFEST_OUTPUT, parseManifest } from "../../manifest";
import { byType, oneOf, steadyStateOnce } from "../../testing";
import type { RenderedResource } from "../../plan/render";

/** The resource of that type and name (the cell has its own of most types). */
function named(render: Render, name: string, type: string): RenderedResource {
  const found = render.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
}
import { ordersProgram } from "./program";

describe("examples/service-on-a-cell: a program of one's own on the package's RegionalCell", function () {
  this.timeout(120_000);
  let render: Render;

  before(async () => {
    const peer = (await steadyStateOnce()).get("prod-euw1")!.manifest;
    render = await renderProgram({
      project: "orders",
      stack: "prod-use1",
      config: readStackFile(process.cwd(), "prod-use1"),
      stackOutputs: { "prod-euw1": { [MANIFEST_OUTPUT]: peer } },
      program: ordersProgram,
    });
  });

  it("builds the whole cell and publishes a manifest the failover commands accept", () => {
    const manifest = parseManifest(render.outputs[MANIFEST_OUTPUT], "example manifest");
    assert.equal(manifest.region, "us-east-1");
    assert.ok(render.resources.length > 100, `only ${render.resources.length} resources`);
    assert.equal(render.resources.filter((r) => r.registeredInApply).length, 0);
  });

  it("names the cell's regional resources after the cell's name, not the shipped '<app>-<cell>'", () => {
    const queues = byType(render, "aws:sqs/queue:Queue").map((q) => String(q.inputs.name));
    assert.ok(queues.length > 0);
    for (const name of queues) assert.match(name, /^orders-use1-/);
    const cluster = oneOf(render, "eks:index:Cluster");
    assert.equal(cluster.inputs.name, "orders-use1-eks");
  });

  it("runs the service in the cell's cluster through the cell's Kubernetes provider", () => {
    const deployment = named(render, "orders", "kubernetes:apps/v1:Deployment");
    assert.ok(deployment.provider, "the service must not use an ambient kubeconfig");
    const workloadProviders = new Set(
      render.resources
        .filter((r) => r.type.startsWith("kubernetes:") && r.name !== "orders")
        .map((r) => r.provider),
    );
    assert.ok(workloadProviders.has(deployment.provider), "same provider as the cell's workload");
    type Spec = { template: { spec: { containers: Array<{ env: NameValue[] }> } } };
    type NameValue = { name: string; value: string };
    const env = (deployment.inputs.spec as Spec).template.spec.containers[0].env;
    const byName = Object.fromEntries(env.map((e) => [e.name, e.value]));
    assert.equal(byName.AWS_REGION, "us-east-1");
    assert.equal(byName.DR_PEERS, "eu-west-1");
    assert.match(byName.DR_CONTROL_TABLE, /control/);
    assert.ok(byName.DATABASE_HOST && byName.CACHE_HOST);
  });

  it("grants the service this region's tables and the control table, nothing wider", () => {
    const policy = JSON.parse(
      String(
        byType(render, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "orders-service")!
          .inputs.policy,
      ),
    );
    const resources: string[] = policy.Statement[0].Resource;
    assert.ok(resources.length >= 2);
    for (const arn of resources) assert.match(arn, /^arn:aws:dynamodb:us-east-1:\d{12}:table\//);
    const association = named(
      render,
      "orders-service",
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    );
    assert.equal(association.inputs.serviceAccount, "orders");
  });
});
