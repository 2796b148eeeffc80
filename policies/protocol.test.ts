import { strict as assert } from "assert";
import { AnalyzerProcess, urn } from "./testing/analyzer";
import { cellManifest, cellRender } from "./testing/cells";
import { changed, compliant } from "./testing/fixtures";
import { DR_POLICIES, PACK_NAME } from "./pack";
import { STACK_TYPE } from "./lib/policy";
import type { PolicyInput } from "./run";
import { T } from "./lib/types";

/** The home cell as AnalyzeStack sends it: outputs as props, plus the stack and its outputs. */
function homeStack(mutate?: (inputs: PolicyInput[]) => void): PolicyInput[] {
  const render = cellRender("us-east-1");
  const inputs: PolicyInput[] = [
    { type: STACK_TYPE, name: "dr-prod-use1", props: render.outputs },
    ...render.resources.map((r) => ({
      type: r.type,
      name: r.name,
      props: r.state,
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      parent: r.parent ?? "dr-prod-use1",
    })),
  ];
  mutate?.(inputs);
  return inputs;
}

describe("policies: the pack under the analyzer protocol (run-policy-pack, gRPC)", function () {
  this.timeout(60000);
  let pack: AnalyzerProcess;

  before(async () => {
    pack = await AnalyzerProcess.start();
  });
  after(async () => {
    await pack?.stop();
  });

  it("describes itself: name, version, every policy with its default level and config schema", async () => {
    const info = await pack.info();
    assert.equal(info.getName(), PACK_NAME);
    assert.equal(info.getVersion(), "0.1.0");
    const policies = info.getPoliciesList();
    assert.deepEqual(
      policies.map((p) => p.getName()),
      DR_POLICIES.map((p) => p.name),
    );
    const backup = policies.find((p) => p.getName() === "aurora-backup-retention")!;
    assert.equal(backup.getEnforcementlevel(), 1 /* MANDATORY */);
    const schema = backup.getConfigschema()!.getProperties()!.toJavaScript() as Record<
      string,
      { type?: string; default?: number }
    >;
    assert.equal(schema.minDays.type, "integer");
    assert.equal(schema.minDays.default, 7);
  });

  it("Analyze: flags a violating resource with the policy, level and message; passes the compliant one", async () => {
    const good = compliant(T.auroraCluster);
    assert.deepEqual(await pack.analyze(good), []);
    const bad = changed(good, "backupRetentionPeriod", 1);
    const ds = await pack.analyze(bad);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].policy, "aurora-backup-retention");
    assert.equal(ds[0].level, "mandatory");
    assert.match(ds[0].message, /backupRetentionPeriod is 1 \(1 day\); set it to at least 7/);
    // Under Analyze the engine attaches the URN; the message carries the description first.
    assert.ok(
      ds[0].message.startsWith(
        DR_POLICIES.find((p) => p.name === "aurora-backup-retention")!.description,
      ),
    );
  });

  it("Analyze: sees resource options (protect, ignoreChanges)", async () => {
    const table = compliant(T.dynamoTable);
    assert.deepEqual(await pack.analyze(table), []);
    const ds = await pack.analyze({ ...table, protect: false, ignoreChanges: [] });
    assert.deepEqual(ds.map((d) => d.policy).sort(), [
      "global-objects-protected",
      "out-of-band-properties-ignored",
    ]);
  });

  it("AnalyzeStack: passes the compliant home cell with its peer's manifest, flags a broken one", async () => {
    await pack.configure({
      "peer-cell-parity": {
        enforcementLevel: "mandatory",
        peerManifests: [cellManifest("eu-west-1")],
      },
    });
    const ok = await pack.analyzeStack(homeStack());
    assert.deepEqual(
      ok.filter((d) => d.level === "mandatory"),
      [],
    );

    const broken = await pack.analyzeStack(
      homeStack((inputs) => {
        const i = inputs.findIndex((r) => r.type === T.bucketVersioning);
        inputs.splice(i, 1);
      }),
    );
    const companions = broken.filter((d) => d.policy === "s3-bucket-companions");
    assert.equal(companions.length, 1);
    assert.equal(companions[0].urn, urn({ type: T.bucket, name: "shop-use1-bucket-bucket" }));
    assert.match(companions[0].message, /no aws\.s3\.BucketVersioning with status "Enabled"/);
  });

  it("AnalyzeStack: peer-cell-parity compares against the manifests given as policy config", async () => {
    const peer = cellManifest("eu-west-1");
    peer.stores.aurora!.engineVersion = "16.4";
    await pack.configure({
      "peer-cell-parity": { enforcementLevel: "mandatory", peerManifests: [{ drManifest: peer }] },
    });
    const ds = (await pack.analyzeStack(homeStack())).filter(
      (d) => d.policy === "peer-cell-parity",
    );
    assert.equal(ds.length, 1);
    assert.match(ds[0].message, /aurora\.engineVersion: this cell "16\.6", prod-euw1 "16\.4"/);
  });

  it("Configure: settings and levels from --policy-pack-config change the verdict", async () => {
    await pack.configure({
      "aurora-backup-retention": { enforcementLevel: "advisory", minDays: 30 },
    });
    const ds = await pack.analyze(compliant(T.auroraCluster));
    assert.equal(ds.length, 1);
    assert.equal(ds[0].level, "advisory");
    assert.match(ds[0].message, /set it to at least 30/);
  });

  it("Configure: malformed policy config fails the analysis naming each bad key", async () => {
    await pack.configure({
      "aurora-backup-retention": {
        enforcementLevel: "mandatory",
        minDays: "two weeks",
        minDay: 14,
      },
    });
    await assert.rejects(pack.analyze(compliant(T.auroraCluster)), (e: Error) => {
      assert.match(
        e.message,
        /aurora-backup-retention\.minDays: must be a whole number of days from 1 to 35/,
      );
      assert.match(e.message, /aurora-backup-retention\.minDay: is not a known setting/);
      return true;
    });
    await pack.configure({});
  });
});
