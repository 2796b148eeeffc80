import { strict as assert } from "assert";
import fc from "fast-check";
import { parseSecretArn, replicaSecretArn } from "./arn";

describe("components/secrets replicaSecretArn", () => {
  const primary =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds/shop-global/master-AbC123";

  it("swaps the region and keeps the name, suffix, account and partition", () => {
    assert.equal(
      replicaSecretArn(primary, "eu-west-1"),
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds/shop-global/master-AbC123",
    );
    assert.equal(
      replicaSecretArn(
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-pass-xYz789",
        "us-gov-east-1",
      ),
      "arn:aws-us-gov:secretsmanager:us-gov-east-1:123456789012:secret:db-pass-xYz789",
    );
  });

  it("refuses what is not a secret ARN, saying what to pass", () => {
    assert.throws(
      () => replicaSecretArn("rds/shop-global/master", "eu-west-1"),
      /not a Secrets Manager secret ARN.*full ARN/,
    );
    assert.throws(
      () => replicaSecretArn("arn:aws:kms:us-east-1:123456789012:key/mrk-1", "eu-west-1"),
      /not a Secrets Manager secret ARN/,
    );
    // A partial ARN (no AWS suffix) cannot name the replica.
    assert.throws(
      () => replicaSecretArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:x", "eu-west-1"),
      /not a Secrets Manager secret ARN/,
    );
    assert.throws(() => replicaSecretArn(primary, "Ireland"), /not an AWS region name/);
  });

  it("changes only the region, and going there and back is the identity (property)", () => {
    const region = fc
      .tuple(
        fc.constantFrom("us", "eu", "ap", "ca", "sa", "me", "af", "il", "mx"),
        fc.constantFrom("east", "west", "central", "north", "south", "southeast", "northeast"),
        fc.integer({ min: 1, max: 9 }),
      )
      .map(([a, b, n]) => `${a}-${b}-${n}`);
    const nameChar = fc.constantFrom(..."abcXYZ019/_+=.@-".split(""));
    const name = fc.array(nameChar, { minLength: 1, maxLength: 40 }).map((cs) => cs.join(""));
    const suffix = fc
      .array(fc.constantFrom(..."abcdefABCDEF0123456789".split("")), { minLength: 6, maxLength: 6 })
      .map((cs) => cs.join(""));
    const account = fc
      .integer({ min: 0, max: 999999999999 })
      .map((n) => String(n).padStart(12, "0"));
    fc.assert(
      fc.property(region, region, account, name, suffix, (from, to, acct, n, s) => {
        const arn = `arn:aws:secretsmanager:${from}:${acct}:secret:${n}-${s}`;
        const replica = replicaSecretArn(arn, to);
        const a = parseSecretArn(arn)!;
        const b = parseSecretArn(replica)!;
        assert.deepEqual({ ...b, region: from }, a);
        assert.equal(b.region, to);
        assert.equal(replicaSecretArn(replica, from), arn);
      }),
    );
  });
});
