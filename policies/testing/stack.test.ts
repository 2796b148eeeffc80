import { strict as assert } from "assert";
import { renderStackSnapshot, stackSnapshot } from "./stackRender";
import { cellRender, THREE_CELLS, TWO_CELLS } from "./cells";
import { compliant } from "./fixtures";

describe("policies/testing: the compliant cells", function () {
  this.timeout(180000);

  it("are the real program's render (regenerate: npx tsx policies/testing/stackRender.ts --write)", async () => {
    assert.deepEqual(
      stackSnapshot(),
      await renderStackSnapshot(),
      "policies/testing/stack.snapshot.json is stale: the program changed since it was rendered",
    );
  });

  it("root every cell at the program's real component type", () => {
    for (const [regions, region] of [
      [TWO_CELLS, "us-east-1"],
      [TWO_CELLS, "eu-west-1"],
      [THREE_CELLS, "ap-southeast-1"],
    ] as const) {
      // The one component at the root, beside the peers' stack references.
      const roots = cellRender(region, { regions })
        .resources.filter((r) => r.parent === undefined && !r.type.startsWith("pulumi:"))
        .map((r) => r.type);
      assert.deepEqual(roots, ["dr:cell:RegionalCell"], `${region} of ${regions.join(", ")}`);
    }
  });

  it("hand out copies, so a test's one-field change stays in that test", () => {
    const a = compliant("aws:rds/cluster:Cluster");
    a.props.storageEncrypted = false;
    assert.equal(compliant("aws:rds/cluster:Cluster").props.storageEncrypted, true);
    const r = cellRender("us-east-1");
    r.resources.length = 0;
    assert.ok(cellRender("us-east-1").resources.length > 100);
  });
});
