import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { T } from "../lib/types";
import { auroraClusterInGlobalCluster } from "./clusterInGlobalCluster";
import { auroraStorageEncrypted } from "./storageEncrypted";
import { auroraDeletionProtection } from "./deletionProtection";
import { auroraBackupRetention } from "./backupRetention";
import { auroraInstanceNotPublic } from "./instanceNotPublic";
import { auroraSecondaryNoMasterCredentials } from "./secondaryNoMasterCredentials";
import { auroraEngineVersionMatchesGlobal } from "./engineVersionMatchesGlobal";

describe("policies/aurora", () => {
  const cluster = () => compliant(T.auroraCluster);
  const global = () => compliant(T.globalCluster);

  it("aurora-cluster-in-global-cluster: every cluster is a member", () => {
    passes(auroraClusterInGlobalCluster, cluster());
    fails(
      auroraClusterInGlobalCluster,
      changed(cluster(), "globalClusterIdentifier", undefined),
      /globalClusterIdentifier is not set/,
    );
  });

  it("aurora-storage-encrypted: clusters with a regional key, global clusters encrypted", () => {
    passes(auroraStorageEncrypted, cluster());
    passes(auroraStorageEncrypted, global());
    fails(
      auroraStorageEncrypted,
      changed(cluster(), "storageEncrypted", false),
      /storageEncrypted is false; set storageEncrypted: true/,
    );
    fails(
      auroraStorageEncrypted,
      changed(cluster(), "kmsKeyId", undefined),
      /kmsKeyId is not set; .*cannot join the global cluster/,
    );
    fails(
      auroraStorageEncrypted,
      changed(global(), "storageEncrypted", undefined),
      /storageEncrypted is not set; set storageEncrypted: true on the GlobalCluster/,
    );
    // Built from an existing cluster, the global cluster inherits its encryption.
    passes(
      auroraStorageEncrypted,
      changed(
        changed(global(), "storageEncrypted", undefined),
        "sourceDbClusterIdentifier",
        "arn:aws:rds:us-east-1:123456789012:cluster:shop-use1",
      ),
    );
  });

  it("aurora-deletion-protection: clusters and global clusters", () => {
    passes(auroraDeletionProtection, cluster());
    passes(auroraDeletionProtection, global());
    fails(
      auroraDeletionProtection,
      changed(cluster(), "deletionProtection", false),
      /deletionProtection is false/,
    );
    fails(
      auroraDeletionProtection,
      changed(global(), "deletionProtection", undefined),
      /deletionProtection is not set/,
    );
  });

  it("aurora-backup-retention: at least minDays (default 7; unset means AWS's 1)", () => {
    passes(auroraBackupRetention, cluster());
    fails(
      auroraBackupRetention,
      changed(cluster(), "backupRetentionPeriod", 3),
      /backupRetentionPeriod is 3 \(3 days\); set it to at least 7/,
    );
    fails(
      auroraBackupRetention,
      changed(cluster(), "backupRetentionPeriod", undefined),
      /backupRetentionPeriod is not set \(1 day\)/,
    );
    fails(
      auroraBackupRetention,
      cluster(),
      /backupRetentionPeriod is 14 \(14 days\); set it to at least 21/,
      { minDays: 21 },
    );
  });

  it("aurora-backup-retention: rejects malformed config naming the key", () => {
    assert.throws(
      () => passes(auroraBackupRetention, cluster(), { minDays: 90 }),
      /aurora-backup-retention\.minDays: must be at most 35 days/,
    );
    assert.throws(
      () => passes(auroraBackupRetention, cluster(), { retentionDays: 7 }),
      /aurora-backup-retention\.retentionDays: is not a known setting/,
    );
  });

  it("aurora-instance-not-public", () => {
    passes(auroraInstanceNotPublic, compliant(T.auroraInstance));
    fails(
      auroraInstanceNotPublic,
      changed(compliant(T.auroraInstance), "publiclyAccessible", true),
      /publiclyAccessible is true/,
    );
  });

  it("aurora-secondary-no-master-credentials: a joining cluster sets no credentials; the home one may", () => {
    assert.deepEqual(runStack(auroraSecondaryNoMasterCredentials, stackInputs("us-east-1")), []);
    assert.deepEqual(runStack(auroraSecondaryNoMasterCredentials, stackInputs("eu-west-1")), []);
    const withPassword = stackInputs("eu-west-1", (inputs) => {
      find(inputs, T.auroraCluster).props.manageMasterUserPassword = true;
    });
    const findings = runStack(auroraSecondaryNoMasterCredentials, withPassword);
    assert.deepEqual(
      findings.map((f) => f.resource),
      [`${T.auroraCluster}::shop-euw1-aurora-cluster`],
    );
    assert.match(
      findings[0].message,
      /Cluster shop-euw1-aurora joins global cluster shop-global \(created by another stack\) but sets manageMasterUserPassword; remove them/,
    );
  });

  it("aurora-engine-version-matches-global: members run the global cluster's version", () => {
    assert.deepEqual(runStack(auroraEngineVersionMatchesGlobal, stackInputs("us-east-1")), []);
    const drifted = stackInputs("us-east-1", (inputs) => {
      find(inputs, T.auroraCluster).props.engineVersion = "16.4";
    });
    const findings = runStack(auroraEngineVersionMatchesGlobal, drifted);
    assert.equal(findings.length, 1);
    assert.match(
      findings[0].message,
      /Cluster shop-use1-aurora has engineVersion "16\.4" but its global cluster shop-global has "16\.6"/,
    );
  });
});
