import { strict as assert } from "assert";
import fc from "fast-check";
import { boundedName } from "./awsName";

describe("components/compute boundedName", () => {
  it("keeps a name that fits", () => {
    assert.equal(boundedName("shop-use1-alb", 32), "shop-use1-alb");
    assert.equal(boundedName("a".repeat(32), 32), "a".repeat(32));
  });

  it("cuts a long name to the limit with a stable hash, never leaving a double hyphen", () => {
    const long = "payments-platform-eu-primary-west-alb";
    const once = boundedName(long, 32);
    assert.equal(once.length, 32);
    assert.equal(boundedName(long, 32), once, "deterministic");
    assert.doesNotMatch(once, /--/);
    // Cut right at a hyphen: the hyphen is dropped, not doubled.
    assert.doesNotMatch(boundedName("abcdefghijklmnopqrstuvw-xyz0123456789", 32), /--/);
  });

  it("never exceeds the limit, and keeps names apart that share the cut prefix", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,60}[a-z0-9]$/);
    fc.assert(
      fc.property(label, fc.integer({ min: 16, max: 64 }), (name, max) => {
        const bounded = boundedName(name, max);
        assert.ok(bounded.length <= max);
        assert.match(bounded, /^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$/);
        if (name.length > max) {
          assert.notEqual(boundedName(`${name}x`, max), boundedName(`${name}y`, max));
        }
      }),
      { numRuns: 300 },
    );
  });
});
