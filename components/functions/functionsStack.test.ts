import { strict as assert } from "assert";
import { steadyStateOnce } from "../../testing";
import { ESM_TYPE } from "./index";

/** The shipped stacks as `pulumi preview` would build them, after the documented deploy order. */
describe("components/functions in the shipped stacks", function () {
  // Renders every shipped stack (twice each, for the deploy order): slow on a shared machine.
  this.timeout(300_000);
  it("every cell has the same consumers; only the home cell's mappings start enabled; the manifest lists exactly the stack's mappings", async () => {
    const renders = await steadyStateOnce();
    assert.ok(renders.size >= 2);
    const signatures = new Set<string>();
    for (const [stack, r] of renders) {
      const maps = r.resources.filter((x) => x.type === ESM_TYPE);
      assert.equal(maps.length, 2, stack);
      const home = r.config.role === "home";
      for (const m of maps) {
        assert.equal(m.inputs.enabled, home, `${stack} ${m.name}`);
        assert.ok(m.ignoreChanges.includes("enabled"), `${stack} ${m.name}`);
        assert.equal(m.registeredInApply, false);
        // The source is in the stack's own region: a stream of this region's replica.
        assert.equal(String(m.inputs.eventSourceArn).split(":")[3], r.config.region, m.name);
      }
      const consumers = r.manifest.stores.functions?.consumers ?? [];
      assert.deepEqual(
        consumers.map((c) => c.eventSourceMappingUuid).sort(),
        maps.map((m) => String(m.state.uuid)).sort(),
        stack,
      );
      for (const c of consumers) {
        assert.ok(c.functionArn.includes(`:${r.config.region}:`), c.functionArn);
      }
      signatures.add(JSON.stringify(consumers.map((c) => [c.name, c.source, c.writerOnly])));
    }
    assert.equal(signatures.size, 1, [...signatures].join(" vs "));
  });
});
