import { strict as assert } from "assert";
import { CliFixture } from "../testing/cliHarness";

/** Three cells (us-east-1 home, eu-west-1, ap-southeast-1): any target, any order. */
describe("failover CLI with three cells", () => {
  let f: CliFixture;
  beforeEach(() => (f = new CliFixture(["us-east-1", "eu-west-1", "ap-southeast-1"])));
  afterEach(() => f.cleanup());

  const writers = () =>
    f.manifests.filter((m) => f.fake.writerCheckHealthy(m)).map((m) => m.region);

  it("status reads all three and the home cell is the only writer", async () => {
    assert.equal(await f.run("status", "--json"), 0, f.stdout);
    const report = JSON.parse(f.stdout);
    assert.deepEqual(report.regions.map((r: { region: string }) => r.region).sort(), [
      "ap-southeast-1",
      "eu-west-1",
      "us-east-1",
    ]);
    assert.deepEqual(writers(), ["us-east-1"]);
  });

  it("switchover to the third cell, failover away from it to the second, failback home", async () => {
    assert.equal(await f.run("switchover", "--to", "ap-southeast-1", "--yes"), 0, f.stderr);
    assert.deepEqual(f.fake.acceptingWrites(), ["ap-southeast-1"]);
    assert.deepEqual(writers(), ["ap-southeast-1"]);

    f.fake.dead.add("ap-southeast-1");
    const before = f.fake.calls.length;
    assert.equal(
      await f.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes"),
      0,
      f.stderr,
    );
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    // The dead region's gates were not touched; the two reachable ones decide both cells.
    assert.deepEqual(
      f.fake.calls.slice(before).filter((c) => c.region === "ap-southeast-1"),
      [],
      "the failed region is never called",
    );
    assert.deepEqual(writers(), ["eu-west-1"]);

    f.fake.dead.delete("ap-southeast-1");
    for (const [pk, item] of f.fake.control.get("eu-west-1")!)
      f.fake.control.get("ap-southeast-1")!.set(pk, { ...item });
    assert.equal(await f.run("failback", "--yes"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "us-east-1");
    assert.deepEqual(f.fake.acceptingWrites(), ["us-east-1"]);
    assert.deepEqual(writers(), ["us-east-1"]);
    assert.equal(await f.run("status"), 0, f.stdout);
  });
});
