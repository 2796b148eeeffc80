import * as assert from "assert";
import { sampleManifest } from "../manifest/sample";
import { runDrill } from "../failover/drill/harness";
import { Simulation } from "../failover/simulator/simulation";

const US = "us-east-1";
const EU = "eu-west-1";
const pair = () => [sampleManifest(US), sampleManifest(EU)];

describe("admission: the drill's application is the library", function () {
  this.timeout(60_000);

  it("starts with the seeded writer item: only the home region accepts", () => {
    const sim = new Simulation({ manifests: pair(), seed: 1 });
    assert.deepStrictEqual(sim.workload.acceptingRegions(), [US]);
    const eu = sim.workload.admission(EU);
    // The peer's Aurora is a secondary too, but the first condition refusing is the writer's.
    assert.strictEqual(eu.condition, "writer");
    assert.match(eu.reason, /writer item names us-east-1/);
  });

  it("condition 1 is enforced: a writable, unfenced region the writer item does not name refuses", () => {
    const sim = new Simulation({ manifests: pair(), seed: 1 });
    // us-east-1's replica now names eu-west-1 (as after a writer.record that replicated),
    // while us-east-1's Aurora is still the writable primary and nothing fences it.
    assert.ok(sim.control!.put(US, "writer", { region: EU, epoch: 1 }));
    assert.ok(sim.aurora!.writable(US));
    const d = sim.workload.admission(US);
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "writer");
    assert.deepStrictEqual(sim.workload.acceptingRegions(), []);
  });

  it("a switchover's target accepts only once writer.record has named it", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "switchover", seed: 1 });
    assert.strictEqual(r.invariants.singleWriter, true);
    const record = r.steps.find((s) => s.name === "writer.record");
    const accepting = r.timeline.find((e) => e.kind === "writers" && e.text.endsWith(EU));
    assert.ok(record && accepting);
    // Before the library, eu-west-1 accepted as soon as Aurora promoted it, seconds earlier.
    assert.ok(accepting.at > record.startSeconds, `${accepting.at} <= ${record.startSeconds}`);
    const aurora = r.steps.find((s) => s.name === "aurora.switchover")!;
    assert.ok(accepting.at > aurora.endSeconds!);
  });
});
