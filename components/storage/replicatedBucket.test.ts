import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ReplicatedBucket, ReplicatedBucketArgs } from "./replicatedBucket";
import { destinationIssues, ReplicationDestination } from "./destinations";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";

const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const identity = { app: "shop", cell: "use1", region: "us-east-1" };
const key = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234";
const euw1: ReplicationDestination = {
  bucketArn: "arn:aws:s3:::dr-cell-bucket-euw1-0a1b2c3",
  region: "eu-west-1",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234",
};
const usw2: ReplicationDestination = {
  bucketArn: "arn:aws:s3:::dr-cell-bucket-usw2-4d5e6f7",
  region: "us-west-2",
  kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/mrk-1234",
};

async function render(args: Partial<ReplicatedBucketArgs> = {}) {
  let component: ReplicatedBucket | undefined;
  const r = await renderComponent(
    () =>
      (component = new ReplicatedBucket("s", {
        identity,
        kmsKeyArn: key,
        destinations: [euw1],
        ...args,
      })),
  );
  return { r, component: component! };
}

/** The rule shape the component renders (the provider's input type, resolved). */
interface Rule {
  id: string;
  priority: number;
  status: string;
  deleteMarkerReplication: { status: string };
  sourceSelectionCriteria: Record<string, { status: string }>;
  destination: {
    bucket: string;
    encryptionConfiguration: { replicaKmsKeyId: string };
    metrics: unknown;
    replicationTime?: unknown;
  };
}

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
}

describe("components/storage ReplicatedBucket", () => {
  it("creates a versioned, KMS-encrypted, private, owner-enforced bucket", async () => {
    const { r, component } = await render({ destinations: [] });
    const bucket = named(r, "s-bucket");
    assert.equal(bucket.parent, "s");
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(bucket.inputs.bucket, undefined, "autonamed");
    assert.equal(
      bucket.inputs.tags && (bucket.inputs.tags as Record<string, string>)["dr:cell"],
      "use1",
    );
    for (const child of [
      "s-versioning",
      "s-encryption",
      "s-publicAccessBlock",
      "s-ownershipControls",
    ]) {
      assert.equal(named(r, child).inputs.bucket, bucket.id, `${child} targets the bucket`);
    }
    assert.deepEqual(named(r, "s-versioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });
    assert.deepEqual(named(r, "s-encryption").inputs.rules, [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key },
        bucketKeyEnabled: true,
      },
    ]);
    const pab = named(r, "s-publicAccessBlock").inputs;
    for (const flag of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(pab[flag], true, flag);
    }
    assert.deepEqual(named(r, "s-ownershipControls").inputs.rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
    const tls = JSON.parse(String(named(r, "s-tlsOnlyPolicy").inputs.policy));
    assert.deepEqual(tls.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.equal(tls.Statement[0].Effect, "Deny");

    assert.equal(await promiseOf(component.bucketName), bucket.id);
    assert.equal(await promiseOf(component.bucketArn), `arn:aws:s3:::${bucket.id}`);
  });

  it("defers replication while no peer bucket exists, and says so", async () => {
    const { r, component } = await render({ destinations: [] });
    assert.equal(byType(r, REPLICATION).length, 0);
    assert.equal(byType(r, "aws:iam/role:Role").length, 0);
    assert.equal(await promiseOf(component.replicationDeferred), true);
    assert.deepEqual(await promiseOf(component.replicationDestinations), []);
  });

  it("replicates to each destination with its key, delete markers and metrics, after versioning", async () => {
    const { r, component } = await render({ destinations: [euw1, usw2] });
    const config = oneOf(r, REPLICATION);
    const bucket = named(r, "s-bucket");
    const role = oneOf(r, "aws:iam/role:Role");
    assert.equal(config.name, "s-replication");
    assert.equal(config.parent, "s");
    assert.equal(config.inputs.bucket, bucket.id);
    assert.equal(config.inputs.role, role.state.arn);
    const rules = config.inputs.rules as Rule[];
    assert.deepEqual(
      rules.map((rule) => [
        rule.id,
        rule.priority,
        rule.destination.bucket,
        rule.destination.encryptionConfiguration.replicaKmsKeyId,
      ]),
      [
        ["to-eu-west-1", 1, euw1.bucketArn, euw1.kmsKeyArn],
        ["to-us-west-2", 2, usw2.bucketArn, usw2.kmsKeyArn],
      ],
    );
    for (const rule of rules) {
      assert.equal(rule.status, "Enabled");
      assert.deepEqual(rule.deleteMarkerReplication, { status: "Enabled" });
      assert.deepEqual(rule.sourceSelectionCriteria, {
        sseKmsEncryptedObjects: { status: "Enabled" },
        replicaModifications: { status: "Enabled" },
      });
      assert.deepEqual(rule.destination.metrics, { status: "Enabled" });
      assert.equal(rule.destination.replicationTime, undefined, "RTC is off by default");
    }
    assert.equal(await promiseOf(component.replicationDeferred), false);
    assert.deepEqual(await promiseOf(component.replicationDestinations), [
      euw1.bucketArn,
      usw2.bucketArn,
    ]);

    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    assert.deepEqual(trust.Statement[0].Principal, { Service: "s3.amazonaws.com" });
    const policy = named(r, "s-replicationPolicy");
    assert.equal(policy.inputs.role, role.id);
    const statements = JSON.parse(String(policy.inputs.policy)).Statement as Statement[];
    const sid = (s: string) => statements.find((x) => x.Sid === s)!;
    assert.equal(sid("ReadSourceConfiguration").Resource, bucket.state.arn);
    assert.deepEqual(sid("WriteDestinationObjects").Resource, [
      `${euw1.bucketArn}/*`,
      `${usw2.bucketArn}/*`,
    ]);
    assert.equal(sid("DecryptSource").Resource, key);
    assert.deepEqual(sid("EncryptDestinations").Resource, [euw1.kmsKeyArn, usw2.kmsKeyArn]);
  });

  it("applies the replication configuration only after versioning and the role's policy", async () => {
    const names = new Map<pulumi.Resource, string>();
    const dependsOn: string[] = [];
    await renderComponent(() => {
      pulumi.runtime.registerStackTransformation((a) => {
        names.set(a.resource, a.name);
        if (a.type === REPLICATION) {
          const deps = a.opts.dependsOn;
          for (const d of Array.isArray(deps) ? deps : [deps])
            dependsOn.push(names.get(d as pulumi.Resource) ?? "?");
        }
        return undefined;
      });
      new ReplicatedBucket("s", { identity, kmsKeyArn: key, destinations: [euw1] });
    });
    assert.deepEqual(dependsOn.sort(), ["s-replicationPolicy", "s-versioning"]);
  });

  it("turns on Replication Time Control when asked", async () => {
    const { r } = await render({ replicationTimeControl: true });
    const [rule] = oneOf(r, REPLICATION).inputs.rules as Rule[];
    assert.deepEqual(rule.destination.replicationTime, {
      status: "Enabled",
      time: { minutes: 15 },
    });
    assert.deepEqual(rule.destination.metrics, {
      status: "Enabled",
      eventThreshold: { minutes: 15 },
    });
  });

  it("wires destinations that arrive as an Output", async () => {
    const { r, component } = await render({ destinations: pulumi.output([euw1]) });
    const [rule] = oneOf(r, REPLICATION).inputs.rules as Rule[];
    assert.equal(rule.destination.bucket, euw1.bucketArn);
    assert.equal(named(r, "s-replication").parent, "s");
    assert.equal(await promiseOf(component.replicationDeferred), false);
  });

  it("names a bad destination and the fix", async () => {
    await assert.rejects(
      render({
        destinations: [{ ...euw1, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-1234" }],
      }),
      (e: Error & { propertyPath?: string }) =>
        e.propertyPath === "destinations[0].kmsKeyArn" &&
        /dr:storage:ReplicatedBucket s: destinations\[0\]\.kmsKeyArn: is a key in us-east-1/.test(
          e.message,
        ),
    );
  });

  it("rejects a bad destination that arrives as an Output", async () => {
    const { r, component } = await render({
      destinations: pulumi.output([{ ...euw1, region: "us-east-1" }]),
    });
    const errors = r.logs.filter((l) => l.severity === "error").map((l) => l.message);
    assert.equal(errors.length, 1, "an error diagnostic fails the update");
    assert.match(errors[0], /destinations\[0\]\.region is this bucket's own region/);
    assert.equal(byType(r, REPLICATION).length, 0);
    assert.equal(await promiseOf(component.replicationDeferred), true);
  });

  it("checks every destination field", () => {
    const issues = destinationIssues("us-east-1", [
      { bucketArn: "shop-bucket", region: "eu-west-1", kmsKeyArn: "alias/x" },
      { bucketArn: euw1.bucketArn, region: "us-east-1", kmsKeyArn: key },
      { ...usw2 },
      { ...usw2, bucketArn: "arn:aws:s3:::other-bucket" },
      { ...euw1, region: "mars-1" },
    ]);
    const byPath = Object.fromEntries(issues.map((i) => [i.propertyPath, i.reason]));
    assert.match(byPath["destinations[0].bucketArn"], /not an S3 bucket ARN/);
    assert.match(byPath["destinations[0].kmsKeyArn"], /not a KMS key ARN/);
    assert.match(byPath["destinations[1].region"], /this bucket's own region/);
    assert.match(byPath["destinations[3].region"], /repeats the region of destinations\[2\]/);
    assert.match(byPath["destinations[4].bucketArn"], /repeats destinations\[1\]/);
    assert.match(byPath["destinations[4].region"], /not an AWS region/);
    assert.deepEqual(destinationIssues("us-east-1", [euw1, usw2]), []);
  });
});
