import { strict as assert } from "assert";
import { WorkQueue } from "../components/queue";
import { renderProgram } from "../plan/render";
import { renderStack } from "../plan/stack";
import { steadyStateOnce } from "../testing";
import { InputValidationError } from "../validation/issues";
import { evaluatePack, hasMandatory, parsePackConfig } from "./evaluate";
import { cellManifest, cellRender, THREE_CELLS } from "./testing/cells";
import { T } from "./lib/types";

describe("policies/evaluate evaluatePack", () => {
  const peers = { use1: [cellManifest("eu-west-1")], euw1: [cellManifest("us-east-1")] };

  it("passes both compliant cells, each against its peer's manifest, with no violation at all", () => {
    assert.deepEqual(evaluatePack(cellRender("us-east-1"), { peerManifests: peers.use1 }), []);
    assert.deepEqual(evaluatePack(cellRender("eu-west-1"), { peerManifests: peers.euw1 }), []);
  });

  it("passes the three compliant cells, each against its two peers' manifests, with no violation at all", () => {
    for (const region of THREE_CELLS) {
      const peerManifests = THREE_CELLS.filter((r) => r !== region).map((r) =>
        cellManifest(r, { regions: THREE_CELLS }),
      );
      assert.deepEqual(
        evaluatePack(cellRender(region, { regions: THREE_CELLS }), { peerManifests }),
        [],
        region,
      );
    }
  });

  it("reports resource violations as <type>::<name> and stack-level ones without a resource", () => {
    const render = cellRender("us-east-1");
    const cluster = render.resources.find((r) => r.type === T.auroraCluster)!;
    cluster.inputs = { ...cluster.inputs, backupRetentionPeriod: 3 };
    cluster.state = { ...cluster.state, backupRetentionPeriod: 3 };
    render.outputs = {};
    const v = evaluatePack(render, { peerManifests: peers.use1 });
    assert.deepEqual(
      v.find((x) => x.policy === "aurora-backup-retention"),
      {
        policy: "aurora-backup-retention",
        level: "mandatory",
        message: "backupRetentionPeriod is 3 (3 days); set it to at least 7.",
        resource: `${T.auroraCluster}::shop-use1-aurora-cluster`,
      },
    );
    const manifest = v.find((x) => x.policy === "dr-manifest-complete")!;
    assert.equal(manifest.resource, undefined);
    assert.equal(manifest.level, "mandatory");
    assert.ok(hasMandatory(v));
  });

  it("feeds opts.peerManifests to peer-cell-parity", () => {
    const peer = cellManifest("eu-west-1");
    peer.stores.msk.kafkaVersion = "3.6.0";
    const v = evaluatePack(cellRender("us-east-1"), { peerManifests: [peer] });
    assert.deepEqual(
      v.map((x) => [x.policy, x.level]),
      [["peer-cell-parity", "mandatory"]],
    );
    assert.match(v[0].message, /msk\.kafkaVersion: this cell "3\.8\.x", prod-euw1 "3\.6\.0"/);
  });

  it("applies levels and settings from a --policy-pack-config object", () => {
    const render = cellRender("us-east-1");
    const v = evaluatePack(render, {
      peerManifests: peers.use1,
      config: { "aurora-backup-retention": { enforcementLevel: "advisory", minDays: 30 } },
    });
    assert.deepEqual(
      v.map((x) => [x.policy, x.level]),
      [["aurora-backup-retention", "advisory"]],
    );
    assert.ok(!hasMandatory(v));
    assert.deepEqual(
      evaluatePack(render, {
        peerManifests: peers.use1,
        config: { "aurora-backup-retention": { enforcementLevel: "disabled", minDays: 30 } },
      }),
      [],
    );
    const all = evaluatePack(render, {
      peerManifests: peers.use1,
      config: { all: "advisory", "aurora-backup-retention": { minDays: 30 } },
    });
    assert.deepEqual(
      all.map((x) => x.level),
      ["advisory"],
    );
  });

  it("rejects malformed pack config with every bad key named", () => {
    assert.throws(
      () =>
        parsePackConfig({
          "aurora-backup-retention": { enforcementLevel: "strict", minDays: "7" },
          "aurora-backup-retnetion": "mandatory",
          "msk-iam-auth": 3,
          all: "loud",
        }),
      (e: unknown) => {
        assert.ok(e instanceof InputValidationError);
        assert.deepEqual(
          e.issues.map((i) => i.key),
          [
            "aurora-backup-retention.enforcementLevel",
            "aurora-backup-retention.minDays",
            "aurora-backup-retnetion",
            "msk-iam-auth",
            "all",
          ],
        );
        assert.match(
          e.message,
          /aurora-backup-retnetion: is not a policy in dr-policies; did you mean aurora-backup-retention\?/,
        );
        assert.match(
          e.message,
          /aurora-backup-retention\.enforcementLevel: must be one of advisory, mandatory, remediate, disabled \(got "strict"\)/,
        );
        return true;
      },
    );
    assert.throws(
      () => parsePackConfig(["mandatory"]),
      /<root>: must be an object keyed by policy name/,
    );
  });

  it("evaluates a real offline render (plan/render.ts) of a component", async () => {
    const render = await renderProgram({
      stack: "test",
      config: { "aws:region": "us-east-1" },
      program: async () => {
        new WorkQueue("q", {
          identity: { app: "shop", cell: "use1", region: "us-east-1" },
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          maxReceiveCount: 50,
        });
      },
    });
    const v = evaluatePack(render, { peerManifests: [] });
    // The queue's redrive allows too many receives; its DLQ is recognised as one; the
    // program exports no manifest.
    assert.deepEqual(
      v.map((x) => [x.policy, x.resource]),
      [
        ["sqs-dead-letter-queue", `${T.queue}::q-queue`],
        ["rto-budget-within-target", undefined],
        ["dr-manifest-complete", undefined],
      ],
    );
  });

  describe("the shipped stacks (offline renders of Pulumi.prod-*.yaml)", function () {
    this.timeout(60000);

    it("both pass with zero mandatory violations, each against the other's manifest", async () => {
      const renders = [...(await steadyStateOnce()).values()];
      assert.deepEqual(renders.map((r) => r.stack).sort(), ["prod-euw1", "prod-use1"]);
      for (const render of renders) {
        const peerManifests = renders.filter((r) => r !== render).map((r) => r.manifest);
        const mandatory = evaluatePack(render, { peerManifests }).filter(
          (v) => v.level === "mandatory",
        );
        assert.deepEqual(mandatory, [], `${render.stack}: ${JSON.stringify(mandatory, null, 2)}`);
      }
    });

    it("the home cell's first deploy (no peer yet) passes, with the deferred replication as advisories", async () => {
      const render = await renderStack("prod-use1");
      const v = evaluatePack(render, { peerManifests: [] });
      assert.ok(!hasMandatory(v), JSON.stringify(v, null, 2));
      assert.ok(render.manifest.deferred.length > 0);
      assert.deepEqual(
        v.map((x) => x.policy),
        render.manifest.deferred.map(() => "dr-deferred-replication"),
      );
    });
  });
});
