import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { secretReplicated } from "./secretReplicated";

describe("policies/secrets", () => {
  it("secret-replicated", () => {
    passes(secretReplicated, compliant(T.secret));
    fails(
      secretReplicated,
      changed(compliant(T.secret), "replicas", []),
      /replicas is empty; add \{ region: <peer region>/,
    );
    fails(
      secretReplicated,
      changed(compliant(T.secret), "replicas.0.region", ""),
      /replicas\[0\]\.region is not set/,
    );
  });
});
