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

  /** The replicator in `region` that pulls from `source`, from the fixture's manifests. */
  const replicator = (region: string, source: string) =>
    f.manifests
      .find((m) => m.region === region)!
      .stores.msk.replicators.find((r) => r.sourceRegion === source)!;

  interface MskJson {
    sourceRegion: string;
    replicatorName: string;
    state: { ok: boolean; value?: string; error?: string };
    stateReason?: string;
    messageLag: { ok: boolean; value?: number | null };
  }

  it("status reports each region's two MSK replicators separately, by source region", async () => {
    f.fake.messageLag.set(replicator("eu-west-1", "ap-southeast-1").replicatorName, 42);
    assert.equal(await f.run("status", "--json"), 0, f.stdout);
    const report = JSON.parse(f.stdout);
    for (const r of report.regions as { region: string; msk: MskJson[] }[]) {
      assert.deepEqual(
        r.msk.map((x) => x.sourceRegion).sort(),
        f.manifests
          .map((m) => m.region)
          .filter((x) => x !== r.region)
          .sort(),
        `${r.region} pulls from both other cells`,
      );
      for (const x of r.msk) {
        assert.equal(x.replicatorName, replicator(r.region, x.sourceRegion).replicatorName);
        assert.deepEqual(x.state, { ok: true, value: "RUNNING" });
      }
    }
    const euw1 = (report.regions as { region: string; msk: MskJson[] }[]).find(
      (r) => r.region === "eu-west-1",
    )!;
    assert.deepEqual(
      Object.fromEntries(euw1.msk.map((x) => [x.sourceRegion, x.messageLag])),
      { "us-east-1": { ok: true, value: 0 }, "ap-southeast-1": { ok: true, value: 42 } },
      "each replicator's own backlog, not a sum",
    );

    assert.equal(await f.run("status"), 0, f.stdout);
    assert.match(
      f.stdout,
      /eu-west-1 \(prod-euw1\)\n(?: {2}.*\n)*? {2}msk {10}from us-east-1: replicator RUNNING, backlog 0\n {15}from ap-southeast-1: replicator RUNNING, backlog 42\n/,
    );
  });

  it("status names a replicator that is not RUNNING, or unreachable, by its source region", async () => {
    f.fake.replicatorStates.set(replicator("eu-west-1", "ap-southeast-1").replicatorName, {
      state: "FAILED",
      reason: "source cluster unreachable",
    });
    assert.equal(await f.run("status", "--json"), 1, f.stdout);
    let report = JSON.parse(f.stdout);
    assert.deepEqual(
      (report.problems as string[]).filter((p) => /MSK/.test(p)),
      ["eu-west-1: MSK replicator from ap-southeast-1 FAILED (source cluster unreachable)"],
    );
    const euw1 = (report.regions as { region: string; msk: MskJson[] }[]).find(
      (r) => r.region === "eu-west-1",
    )!;
    assert.deepEqual(
      euw1.msk.map((x) => [x.sourceRegion, x.state.value, x.stateReason]),
      [
        ["us-east-1", "RUNNING", undefined],
        ["ap-southeast-1", "FAILED", "source cluster unreachable"],
      ],
    );
    assert.equal(await f.run("status"), 1);
    assert.match(f.stdout, /\n {15}from ap-southeast-1: replicator FAILED, backlog 0\n/);
    assert.match(
      f.stdout,
      /- eu-west-1: MSK replicator from ap-southeast-1 FAILED \(source cluster unreachable\)/,
    );

    // A dead region's own replicators could not be checked, each named (folded with its other
    // failed reads); the replicators elsewhere still read, the FAILED one is still a problem.
    f.fake.dead.add("ap-southeast-1");
    assert.equal(await f.run("status", "--json"), 1, f.stdout);
    report = JSON.parse(f.stdout);
    assert.deepEqual(
      (report.problems as string[]).filter((p) => /MSK/.test(p)).map((p) => p.replace(/ \(.*/, "")),
      ["eu-west-1: MSK replicator from ap-southeast-1 FAILED"],
    );
    const unchecked = (report.unchecked as string[]).filter((u) => /msk/.test(u));
    assert.equal(unchecked.length, 1);
    assert.match(
      unchecked[0],
      /^ap-southeast-1: \d+ reads failed: .*msk replicator from us-east-1/,
    );
    assert.match(unchecked[0], /msk replicator from eu-west-1/);
    assert.deepEqual(f.mutatingCalls(), []);
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
