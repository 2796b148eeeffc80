import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CellKey, CellKeyArgs, cellKeyAliasName, kmsKeyArnRegion } from "./cellKey";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";

const KEY = "aws:kms/key:Key";
const REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey";
const ALIAS = "aws:kms/alias:Alias";
const home = { app: "shop", cell: "use1", region: "us-east-1" };
const joiner = { app: "shop", cell: "euw1", region: "eu-west-1" };
const primaryArn = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

async function render(args: CellKeyArgs, region = args.identity.region) {
  let key: CellKey | undefined;
  const r = await renderComponent(() => (key = new CellKey("k", args)), { region });
  return { render: r, key: key! };
}

async function rejection(args: CellKeyArgs): Promise<pulumi.InputPropertyError> {
  let caught: unknown;
  await assert.rejects(
    renderComponent(() => new CellKey("k", args), { region: args.identity.region }),
    (err: unknown) => ((caught = err), true),
  );
  assert.ok(pulumi.InputPropertyError.isInstance(caught), String(caught));
  return caught;
}

describe("components/kms CellKey", () => {
  it("home: creates a protected, rotating multi-region primary key and its alias", async () => {
    const { render: r, key } = await render({ identity: home, role: "home" });
    const created = oneOf(r, KEY);
    assert.equal(byType(r, REPLICA_KEY).length, 0);
    assert.equal(created.name, "k-key");
    assert.equal(created.parent, "k");
    assert.equal(created.inputs.multiRegion, true);
    assert.equal(created.inputs.enableKeyRotation, true);
    assert.equal(created.inputs.deletionWindowInDays, 30);
    assert.equal(created.protect, true, "the primary key is a global object: protect it");
    assert.equal(created.inputs.policy, undefined, "the key policy stays KMS's default");
    assert.deepEqual(created.inputs.tags, {
      "dr:app": "shop",
      "dr:cell": "use1",
      "dr:region": "us-east-1",
    });

    const alias = oneOf(r, ALIAS);
    assert.equal(alias.name, "k-alias");
    assert.equal(alias.inputs.name, "alias/shop-use1-dr");
    assert.equal(alias.inputs.targetKeyId, created.state.keyId);

    const keyArn = await promiseOf(key.keyArn);
    assert.equal(keyArn, created.state.arn);
    assert.match(keyArn, /^arn:aws:kms:us-east-1:123456789012:key\/mrk-/);
    assert.equal(await promiseOf(key.primaryKeyArn), keyArn, "home: primaryKeyArn is its own ARN");
    assert.equal(await promiseOf(key.keyId), created.state.keyId);
    assert.equal(await promiseOf(key.multiRegion), true);
    assert.equal(await promiseOf(key.aliasName), "alias/shop-use1-dr");
  });

  it("joiner: replicates the home primary key into its own region, same key id", async () => {
    const { render: r, key } = await render({
      identity: joiner,
      role: "joiner",
      primaryKeyArn: primaryArn,
      deletionWindowInDays: 7,
    });
    assert.equal(byType(r, KEY).length, 0, "a joiner never creates a second primary");
    const replica = named(r, "k-replicaKey");
    assert.equal(replica.type, REPLICA_KEY);
    assert.equal(replica.parent, "k");
    assert.equal(replica.inputs.primaryKeyArn, primaryArn);
    assert.equal(replica.inputs.deletionWindowInDays, 7);
    assert.equal(replica.inputs.region, undefined, "created in the stack's own region");

    const keyArn = await promiseOf(key.keyArn);
    assert.equal(kmsKeyArnRegion(keyArn), "eu-west-1");
    assert.equal(await promiseOf(key.keyId), "mrk-0123456789abcdef0123456789abcdef");
    assert.equal(await promiseOf(key.primaryKeyArn), primaryArn);
    assert.equal(await promiseOf(key.multiRegion), true);
    assert.equal(oneOf(r, ALIAS).inputs.name, "alias/shop-euw1-dr");
    assert.equal(oneOf(r, ALIAS).inputs.targetKeyId, replica.state.keyId);
  });

  it("accepts the primary key ARN as an Output (read from the home manifest)", async () => {
    const { render: r } = await render({
      identity: joiner,
      role: "joiner",
      primaryKeyArn: pulumi.output(primaryArn),
    });
    assert.equal(oneOf(r, REPLICA_KEY).inputs.primaryKeyArn, primaryArn);
  });

  describe("rejects bad args with an InputPropertyError naming the field", () => {
    it("a joiner without primaryKeyArn", async () => {
      const err = await rejection({ identity: joiner, role: "joiner" });
      assert.equal(err.propertyPath, "primaryKeyArn");
      assert.match(err.reason, /required for a joiner.*home cell's multi-region primary key/);
    });
    it("a home cell given primaryKeyArn", async () => {
      const err = await rejection({ identity: home, role: "home", primaryKeyArn: primaryArn });
      assert.equal(err.propertyPath, "primaryKeyArn");
      assert.match(err.reason, /left out for the home cell/);
    });
    it("a primary key in the joiner's own region", async () => {
      const err = await rejection({
        identity: joiner,
        role: "joiner",
        primaryKeyArn: primaryArn.replace("us-east-1", "eu-west-1"),
      });
      assert.equal(err.propertyPath, "primaryKeyArn");
      assert.match(err.reason, /own region/);
    });
    it("a single-region key ARN", async () => {
      const err = await rejection({
        identity: joiner,
        role: "joiner",
        primaryKeyArn:
          "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      });
      assert.equal(err.propertyPath, "primaryKeyArn");
      assert.match(err.reason, /not a multi-region KMS key ARN/);
    });
    for (const days of [6, 31, 7.5]) {
      it(`deletionWindowInDays ${days}`, async () => {
        const err = await rejection({ identity: home, role: "home", deletionWindowInDays: days });
        assert.equal(err.propertyPath, "deletionWindowInDays");
        assert.match(err.reason, /7 to 30/);
      });
    }
  });

  it("names the alias after the cell", () => {
    assert.equal(
      cellKeyAliasName({ app: "pay", cell: "apse2", region: "ap-southeast-2" }),
      "alias/pay-apse2-dr",
    );
  });
});
