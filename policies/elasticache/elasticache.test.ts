import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { T } from "../lib/types";
import { elasticacheEncryptionAtRest } from "./encryptionAtRest";
import { elasticacheEncryptionInTransit } from "./encryptionInTransit";
import { elasticacheGlobalDatastoreMember } from "./globalDatastoreMember";

describe("policies/elasticache", () => {
  const homeCache = () => compliant(T.replicationGroup);
  const secondaryCache = () => {
    const rg = stackInputs("eu-west-1").find((i) => i.type === T.replicationGroup)!;
    return { ...rg };
  };

  it("elasticache-encryption-at-rest and elasticache-encryption-in-transit: the primary decides, secondaries inherit", () => {
    passes(elasticacheEncryptionAtRest, homeCache());
    passes(elasticacheEncryptionInTransit, homeCache());
    passes(elasticacheEncryptionAtRest, secondaryCache());
    passes(elasticacheEncryptionInTransit, secondaryCache());
    fails(
      elasticacheEncryptionAtRest,
      changed(homeCache(), "atRestEncryptionEnabled", false),
      /atRestEncryptionEnabled is false/,
    );
    // Redis (unlike Valkey) defaults to unencrypted.
    fails(
      elasticacheEncryptionAtRest,
      changed(changed(homeCache(), "atRestEncryptionEnabled", undefined), "engine", "redis"),
      /atRestEncryptionEnabled is not set/,
    );
    fails(
      elasticacheEncryptionInTransit,
      changed(homeCache(), "transitEncryptionEnabled", undefined),
      /transitEncryptionEnabled is not set/,
    );
    fails(
      elasticacheEncryptionInTransit,
      changed(secondaryCache(), "transitEncryptionEnabled", false),
      /transitEncryptionEnabled is false/,
    );
  });

  it("elasticache-global-datastore-member: primary at home, secondary elsewhere", () => {
    assert.deepEqual(runStack(elasticacheGlobalDatastoreMember, stackInputs("us-east-1")), []);
    assert.deepEqual(runStack(elasticacheGlobalDatastoreMember, stackInputs("eu-west-1")), []);
    const standalone = stackInputs("eu-west-1", (inputs) => {
      delete find(inputs, T.replicationGroup).props.globalReplicationGroupId;
    });
    const findings = runStack(elasticacheGlobalDatastoreMember, standalone);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].resource, `${T.replicationGroup}::shop-euw1-cache-replicationGroup`);
    assert.match(
      findings[0].message,
      /Replication group shop-euw1-cache is not in a global datastore/,
    );
  });
});
