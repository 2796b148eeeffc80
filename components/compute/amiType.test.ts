import { strict as assert } from "assert";
import { amiTypeFor } from "./compute";

describe("components/compute amiTypeFor", () => {
  it("runs Graviton families on the ARM64 image and the rest on x86_64", () => {
    for (const arm of [
      "m7g.large",
      "c7gn.xlarge",
      "r8g.2xlarge",
      "t4g.medium",
      "m6gd.large",
      "a1.large",
    ]) {
      assert.equal(amiTypeFor(arm), "AL2023_ARM_64_STANDARD", arm);
    }
    for (const x86 of [
      "m7i.large",
      "c7i.xlarge",
      "m7a.large",
      "r6i.large",
      "g5.xlarge",
      "t3.medium",
    ]) {
      assert.equal(amiTypeFor(x86), "AL2023_x86_64_STANDARD", x86);
    }
  });
});
