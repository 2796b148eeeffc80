import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ReplicatedSecret, ReplicatedSecretArgs } from "./replicatedSecret";
import { replicaSecretArn } from "./arn";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";

const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
/** How the mock runtime receives a value marked secret. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const identity = { app: "shop", cell: "use1", region: "us-east-1" };
const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

function args(overrides: Partial<ReplicatedSecretArgs> = {}): ReplicatedSecretArgs {
  return {
    identity,
    secretName: "shop/api-token",
    replicaRegions: ["eu-west-1", "ap-southeast-2"],
    kmsKeyArn,
    ...overrides,
  };
}

describe("components/secrets ReplicatedSecret", () => {
  it("creates the secret under the cell key, replicated to every peer region on the AWS-managed key", async () => {
    let secret: ReplicatedSecret | undefined;
    const r = await renderComponent(() => (secret = new ReplicatedSecret("s", args())));
    const created = oneOf(r, SECRET);
    assert.equal(created.name, "s-secret");
    assert.equal(created.parent, "s");
    assert.equal(created.inputs.name, "shop/api-token");
    assert.equal(created.inputs.kmsKeyId, kmsKeyArn);
    assert.equal(created.inputs.recoveryWindowInDays, 30);
    assert.deepEqual(created.inputs.replicas, [
      { region: "eu-west-1" },
      { region: "ap-southeast-2" },
    ]);
    assert.equal(byType(r, VERSION).length, 0, "no value given: no version");

    const arn = await promiseOf(secret!.secretArn);
    assert.equal(arn, created.state.arn);
    assert.equal(await promiseOf(secret!.secretName), "shop/api-token");
    assert.deepEqual(await promiseOf(secret!.replicaRegions), ["eu-west-1", "ap-southeast-2"]);
    assert.deepEqual(await promiseOf(secret!.replicaSecretArns), {
      "eu-west-1": replicaSecretArn(arn, "eu-west-1"),
      "ap-southeast-2": replicaSecretArn(arn, "ap-southeast-2"),
    });
    assert.match(
      (await promiseOf(secret!.replicaSecretArns))["eu-west-1"],
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop\/api-token-\w{6}$/,
    );
  });

  it("stores a given value as a secret version of that secret", async () => {
    let secret: ReplicatedSecret | undefined;
    const r = await renderComponent(
      () =>
        (secret = new ReplicatedSecret(
          "s",
          args({ secretString: "hunter2-token", description: "API token" }),
        )),
    );
    const version = named(r, "s-secretVersion");
    assert.equal(version.type, VERSION);
    assert.equal(version.parent, "s");
    assert.equal(
      version.inputs.secretId,
      named(r, "s-secret").id,
      "the version belongs to the secret",
    );
    const value = version.inputs.secretString as Record<string, unknown>;
    assert.equal(
      value[SECRET_SIG] !== undefined,
      true,
      "the value reaches the provider as a secret",
    );
    assert.equal(value.value, "hunter2-token");
    assert.equal(named(r, "s-secret").inputs.description, "API token");
    for (const [key, out] of Object.entries(secret!)) {
      if (!pulumi.Output.isInstance(out)) continue;
      assert.ok(
        !JSON.stringify(await promiseOf(out)).includes("hunter2"),
        `output ${key} leaks the value`,
      );
    }
  });

  it("accepts the peer regions as an Output", async () => {
    const r = await renderComponent(
      () => new ReplicatedSecret("s", args({ replicaRegions: pulumi.output(["eu-west-1"]) })),
    );
    assert.deepEqual(oneOf(r, SECRET).inputs.replicas, [{ region: "eu-west-1" }]);
  });

  it("warns about a name AWS would confuse with an ARN suffix", async () => {
    const r = await renderComponent(
      () => new ReplicatedSecret("s", args({ secretName: "db-master" })),
    );
    assert.ok(
      r.logs.some((l) => l.severity === "warn" && /db-master.*six characters/.test(l.message)),
    );
  });

  describe("rejects bad args with an InputPropertyError naming the field", () => {
    const cases: Array<[string, Partial<ReplicatedSecretArgs>, string, RegExp]> = [
      [
        "its own region as a replica",
        { replicaRegions: ["eu-west-1", "us-east-1"] },
        "replicaRegions",
        /own region.*peer regions/,
      ],
      ["a region twice", { replicaRegions: ["eu-west-1", "eu-west-1"] }, "replicaRegions", /twice/],
      [
        "a region that is not one",
        { replicaRegions: ["Ireland"] },
        "replicaRegions",
        /not an AWS region name/,
      ],
      ["a name with spaces", { secretName: "my secret" }, "secretName", /letters, digits/],
      ["an empty name", { secretName: "" }, "secretName", /1 to 512/],
    ];
    for (const [label, overrides, path, reason] of cases) {
      it(label, async () => {
        await assert.rejects(
          renderComponent(() => new ReplicatedSecret("s", args(overrides))),
          (err: unknown) => {
            assert.ok(pulumi.InputPropertyError.isInstance(err), String(err));
            assert.equal(err.propertyPath, path);
            assert.match(err.reason, reason);
            return true;
          },
        );
      });
    }
  });
});
