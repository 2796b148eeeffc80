import { strict as assert } from "assert";
import { OUT_OF_BAND_PROPERTIES } from "../../components/switchover/outOfBand";
import { compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { globalObjectsProtected } from "./globalObjectsProtected";
import { outOfBandPropertiesIgnored } from "./outOfBandPropertiesIgnored";

describe("policies/platform (switchover safety)", () => {
  it("global-objects-protected: the global cluster and home tables carry protect", () => {
    passes(globalObjectsProtected, compliant(T.globalCluster));
    passes(globalObjectsProtected, compliant(T.dynamoTable));
    fails(
      globalObjectsProtected,
      { ...compliant(T.globalCluster), protect: false },
      /the resource is not protected; pass \{ protect: true \}/,
    );
    fails(globalObjectsProtected, { ...compliant(T.dynamoTable), protect: false }, /not protected/);
    // Not in the default list: the global datastore (which CacheCell protects) may go
    // unprotected unless configured.
    const datastore = { ...compliant(T.globalReplicationGroup), protect: false };
    passes(globalObjectsProtected, datastore);
    fails(globalObjectsProtected, datastore, /not protected/, {
      types: [T.globalReplicationGroup],
    });
    assert.throws(
      () =>
        passes(globalObjectsProtected, compliant(T.globalCluster), {
          types: ["aws:s3/bucket:Bucket"],
        }),
      /global-objects-protected\.types\[0\]: must be one of/,
    );
  });

  it("out-of-band-properties-ignored: every type in OUT_OF_BAND_PROPERTIES ignores its properties", () => {
    for (const type of [
      T.globalCluster,
      T.auroraCluster,
      T.auroraInstance,
      T.dynamoTable,
      T.replicationGroup,
      T.globalReplicationGroup,
    ]) {
      passes(outOfBandPropertiesIgnored, compliant(type));
    }
    const cluster = compliant(T.auroraCluster);
    fails(
      outOfBandPropertiesIgnored,
      {
        ...cluster,
        ignoreChanges: cluster.ignoreChanges!.filter((p) => p !== "globalClusterIdentifier"),
      },
      /ignoreChanges lacks globalClusterIdentifier; add them/,
    );
    const global = compliant(T.globalCluster);
    fails(
      outOfBandPropertiesIgnored,
      { ...global, ignoreChanges: [] },
      new RegExp(`ignoreChanges lacks ${OUT_OF_BAND_PROPERTIES[T.globalCluster].join(", ")}`),
    );
  });
});
