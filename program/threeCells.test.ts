import { strict as assert } from "assert";
import * as path from "path";
import { cellShape } from "../components/cell";
import { StackRender } from "../plan/stack";
import { steadyStateOnce } from "../testing";

/**
 * Three cells from three stack files and no code change (plan/fixtures/three-cells: us-east-1
 * home, eu-west-1, ap-southeast-1), rendered as they are once all are deployed.
 */
describe("stacks: three cells", function () {
  const dir = path.join(__dirname, "..", "plan", "fixtures", "three-cells");
  const regions = ["us-east-1", "eu-west-1", "ap-southeast-1"];
  let cells: StackRender[];

  before(async () => {
    const renders = await steadyStateOnce(dir);
    cells = ["prod-use1", "prod-euw1", "prod-apse1"].map((s) => renders.get(s)!);
  });

  const of = (r: StackRender, type: string) => r.resources.filter((x) => x.type === type);

  it("renders three cells with nothing deferred and the same shape", () => {
    assert.deepEqual(
      cells.map((c) => c.manifest.region),
      regions,
    );
    for (const c of cells) assert.deepEqual(c.manifest.deferred, [], c.stack);
    assert.deepEqual(cellShape(cells[2].resources), cellShape(cells[1].resources));
  });

  it("gives every cell one weighted writer record behind a majority of three gates", () => {
    // The writer name's records (the API layer's writer name is weighted the same way).
    const writerRecords = cells.flatMap((c) =>
      of(c, "aws:route53/record:Record").filter(
        (r) =>
          r.inputs.weightedRoutingPolicies && r.inputs.name === c.manifest.endpoints.writerName,
      ),
    );
    assert.equal(writerRecords.length, 3);
    assert.equal(new Set(writerRecords.map((r) => r.inputs.name)).size, 1, "one writer name");
    assert.equal(
      new Set(writerRecords.map((r) => r.inputs.setIdentifier)).size,
      3,
      "one record per cell",
    );
    for (const c of cells) {
      const sw = c.manifest.traffic.switch;
      assert.ok(sw.type === "cloudwatch-gate");
      // The fixture keeps the shipped us-west-2 witness (adding a cell changed nothing else):
      // four gate regions, a majority of three.
      assert.deepEqual(sw.witnessRegions, ["us-west-2"]);
      assert.equal(sw.quorum, 3);
      assert.deepEqual(sw.gates.map((g) => g.region).sort(), [...regions, "us-west-2"].sort());
      // Each gate of this cell is hosted by the stack of the region it lives in (witness
      // gates by the cell's own stack), and that stack publishes it.
      for (const g of sw.gates) {
        const host = cells.find((x) => x.manifest.region === g.region) ?? c;
        assert.equal(g.hostedBy, host.stack);
        if (host !== c) {
          assert.ok(
            host.manifest.traffic.hostedGates.some((h) => h.healthCheckId === g.healthCheckId),
          );
        }
      }
      // The stack's gate alarms: one per cell in its own region, its own in the witness region.
      const alarms = of(c, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) =>
        String(a.inputs.name).includes("-writer-gate-"),
      );
      assert.deepEqual(
        alarms.map((a) => a.inputs.region ?? c.manifest.region).sort(),
        [c.manifest.region, c.manifest.region, c.manifest.region, "us-west-2"].sort(),
      );
    }
  });

  it("replicates Kafka from every other cell, with ENHANCED offsets once settled", () => {
    for (const c of cells) {
      const reps = c.manifest.stores.msk.replicators;
      assert.deepEqual(
        reps.map((r) => r.sourceRegion).sort(),
        regions.filter((r) => r !== c.manifest.region).sort(),
        c.stack,
      );
      assert.ok(
        reps.every((r) => r.offsetSyncMode === "ENHANCED"),
        c.stack,
      );
      assert.equal(of(c, "aws:msk/replicator:Replicator").length, 2);
    }
  });

  it("replicates S3 to every peer, the secret to both joiners, and has a KMS replica in each", () => {
    for (const c of cells) {
      const peers = cells.filter((x) => x !== c);
      assert.deepEqual(
        [...c.manifest.stores.s3.replicationDestinations].sort(),
        peers.map((p) => p.manifest.stores.s3.bucketArn).sort(),
        c.stack,
      );
    }
    assert.deepEqual([...cells[0].manifest.stores.secrets.replicaRegions].sort(), [
      "ap-southeast-1",
      "eu-west-1",
    ]);
    for (const joiner of cells.slice(1)) {
      assert.equal(of(joiner, "aws:kms/replicaKey:ReplicaKey").length, 1, joiner.stack);
      assert.equal(joiner.manifest.stores.kms.primaryKeyArn, cells[0].manifest.stores.kms.keyArn);
    }
  });
});
