import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { T } from "../lib/types";
import { s3VersioningEnabled } from "./versioningEnabled";
import { s3ReplicationEnabled } from "./replicationEnabled";
import { s3BlockPublicAccess } from "./blockPublicAccess";
import { s3BucketCompanions } from "./bucketCompanions";

describe("policies/s3", () => {
  const replication = () => compliant(T.bucketReplication);

  it("s3-versioning-enabled", () => {
    passes(s3VersioningEnabled, compliant(T.bucketVersioning));
    fails(
      s3VersioningEnabled,
      changed(compliant(T.bucketVersioning), "versioningConfiguration.status", "Suspended"),
      /versioningConfiguration\.status is "Suspended"; set it to "Enabled"/,
    );
  });

  it("s3-replication-enabled: enabled rules with a destination, KMS objects opted in", () => {
    passes(s3ReplicationEnabled, replication());
    fails(
      s3ReplicationEnabled,
      changed(replication(), "rules.0.status", "Disabled"),
      /rules\[0\]\.status is "Disabled"; set it to "Enabled"/,
    );
    fails(
      s3ReplicationEnabled,
      changed(replication(), "rules.0.destination.bucket", ""),
      /rules\[0\]\.destination\.bucket is not set/,
    );
    fails(
      s3ReplicationEnabled,
      changed(replication(), "rules.0.sourceSelectionCriteria", undefined),
      /sseKmsEncryptedObjects\.status is not set; set it to "Enabled" or S3 skips every KMS-encrypted object/,
    );
    fails(s3ReplicationEnabled, changed(replication(), "rules", []), /rules is empty/);
  });

  it("s3-block-public-access: all four settings", () => {
    passes(s3BlockPublicAccess, compliant(T.bucketPublicAccessBlock));
    fails(
      s3BlockPublicAccess,
      changed(compliant(T.bucketPublicAccessBlock), "restrictPublicBuckets", false),
      /restrictPublicBuckets is false; set all four/,
    );
  });

  it("s3-bucket-companions: every bucket is versioned and has a public access block", () => {
    assert.deepEqual(runStack(s3BucketCompanions, stackInputs("eu-west-1")), []);
    const unversioned = stackInputs("eu-west-1", (inputs) => {
      find(inputs, T.bucketVersioning).props.versioningConfiguration = { status: "Suspended" };
    });
    assert.deepEqual(runStack(s3BucketCompanions, unversioned), [
      {
        message:
          'Bucket shop-euw1-bucket-bucket-78f988a has no aws.s3.BucketVersioning with status "Enabled"; add one for it.',
        resource: `${T.bucket}::shop-euw1-bucket-bucket`,
      },
    ]);
    const open = stackInputs("eu-west-1", (inputs) => {
      inputs.splice(inputs.indexOf(find(inputs, T.bucketPublicAccessBlock)), 1);
    });
    assert.match(
      runStack(s3BucketCompanions, open)[0].message,
      /has no aws\.s3\.BucketPublicAccessBlock/,
    );
  });
});
