import { strict as assert } from "assert";
import { renderTrafficSnapshot, trafficSnapshot } from "./trafficRender";
import { cellRender } from "./cells";

describe("policies/testing: the traffic fixtures", function () {
  this.timeout(120000);

  it("are the real CellTraffic render (regenerate: npx tsx policies/testing/trafficRender.ts --write)", async () => {
    assert.deepEqual(
      trafficSnapshot(),
      await renderTrafficSnapshot(),
      "policies/testing/traffic.snapshot.json is stale: the component changed since it was rendered",
    );
  });

  it("root the cell at the program's real component type", () => {
    const roots = cellRender("us-east-1").resources.filter((r) => r.parent === undefined);
    assert.deepEqual(
      roots.map((r) => r.type),
      ["dr:cell:RegionalCell"],
    );
  });
});
