import { strict as assert } from "assert";
import fc from "fast-check";
import { cidrsOverlap, parseCidr } from "../../config/cidr";
import { subnetLayout } from "./subnetLayout";

describe("components/network subnetLayout", () => {
  it("splits a /16 over 3 AZs into /19 private, /20 isolated and /21 public subnets", () => {
    assert.deepEqual(subnetLayout("10.10.0.0/16", 3), {
      azPrefix: 18,
      private: ["10.10.0.0/19", "10.10.64.0/19", "10.10.128.0/19"],
      isolated: ["10.10.32.0/20", "10.10.96.0/20", "10.10.160.0/20"],
      public: ["10.10.48.0/21", "10.10.112.0/21", "10.10.176.0/21"],
    });
  });

  it("still gives a /20 over 6 AZs a /26 public subnet (an ALB needs a /27 or larger)", () => {
    const layout = subnetLayout("172.16.16.0/20", 6);
    assert.equal(layout.azPrefix, 23);
    assert.equal(layout.public.length, 6);
    layout.public.forEach((c) => assert.equal(parseCidr(c)!.prefix, 26));
  });

  it("rejects what it cannot lay out", () => {
    assert.throws(() => subnetLayout("10.0.0.0/21", 3), /\/16 to \/20/);
    assert.throws(() => subnetLayout("10.0.0.0/16", 2), /at least 3 AZs/);
  });

  it("for any /16-/20 block and 3-6 AZs: aligned, inside the VPC, disjoint, halves/quarters/eighths", () => {
    const arb = fc.record({
      prefix: fc.integer({ min: 16, max: 20 }),
      azCount: fc.integer({ min: 3, max: 6 }),
      // Any address; the block is snapped to its own boundary below.
      address: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    });
    fc.assert(
      fc.property(arb, ({ prefix, azCount, address }) => {
        const size = 2 ** (32 - prefix);
        const start = address - (address % size);
        const cidr = `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".")}/${prefix}`;
        const vpc = parseCidr(cidr)!;
        const layout = subnetLayout(cidr, azCount);
        const all = [...layout.private, ...layout.isolated, ...layout.public];
        assert.equal(all.length, 3 * azCount);
        const blocks = all.map((c) => {
          const b = parseCidr(c);
          assert.ok(b, `${c} is a canonical CIDR on its own boundary`);
          assert.ok(b.start >= vpc.start && b.end <= vpc.end, `${c} lies inside ${cidr}`);
          return b;
        });
        for (let i = 0; i < blocks.length; i++) {
          for (let j = i + 1; j < blocks.length; j++) {
            assert.ok(!cidrsOverlap(blocks[i], blocks[j]), `${all[i]} and ${all[j]} overlap`);
          }
        }
        for (let az = 0; az < azCount; az++) {
          const p = parseCidr(layout.private[az])!.prefix;
          assert.equal(parseCidr(layout.isolated[az])!.prefix, p + 1);
          assert.equal(parseCidr(layout.public[az])!.prefix, p + 2);
          assert.ok(p + 2 <= 26, "public subnets stay large enough for an ALB");
        }
        // Every AZ gets the same share: at least 1/8 of the VPC (6 AZs round up to 8 shares).
        assert.ok(layout.azPrefix - prefix <= 3);
      }),
      { numRuns: 300 },
    );
  });
});
