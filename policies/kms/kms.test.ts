import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { kmsMultiRegionKey } from "./multiRegionKey";
import { kmsKeyRotation } from "./keyRotation";

describe("policies/kms", () => {
  it("kms-multi-region-key and kms-key-rotation", () => {
    passes(kmsMultiRegionKey, compliant(T.kmsKey));
    passes(kmsKeyRotation, compliant(T.kmsKey));
    fails(
      kmsMultiRegionKey,
      changed(compliant(T.kmsKey), "multiRegion", undefined),
      /multiRegion is not set; set multiRegion: true \(it cannot be changed later\)/,
    );
    fails(
      kmsKeyRotation,
      changed(compliant(T.kmsKey), "enableKeyRotation", false),
      /enableKeyRotation is false/,
    );
  });
});
