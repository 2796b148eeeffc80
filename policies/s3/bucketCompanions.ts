import { stackPolicy } from "../lib/policy";
import { at, physicalName, str } from "../lib/props";
import { BUCKET_TYPES, T } from "../lib/types";

export const s3BucketCompanions = stackPolicy({
  name: "s3-bucket-companions",
  description:
    "Every S3 bucket in the cell has an Enabled BucketVersioning and a BucketPublicAccessBlock. In provider v7 these are separate resources, so a bucket without them is silently unversioned (replication cannot start) and governed only by account settings.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const versioned = new Set(
      stack
        .ofType(T.bucketVersioning, T.bucketVersioningV2)
        .filter((v) => at(v.props, "versioningConfiguration.status") === "Enabled")
        .map((v) => str(v.props.bucket)),
    );
    const blocked = new Set(
      stack.ofType(T.bucketPublicAccessBlock).map((b) => str(b.props.bucket)),
    );
    for (const bucket of stack.ofType(...BUCKET_TYPES)) {
      const name = str(bucket.props.bucket) ?? physicalName(bucket.props, bucket.name);
      // The companions name the bucket by its name (bucket.bucket/id) or, rarely, its ARN.
      const refs = [name, str(bucket.props.id), str(bucket.props.arn)];
      if (!refs.some((r) => r && versioned.has(r))) {
        report(
          `Bucket ${name} has no aws.s3.BucketVersioning with status "Enabled"; add one for it.`,
          bucket,
        );
      }
      if (!refs.some((r) => r && blocked.has(r))) {
        report(
          `Bucket ${name} has no aws.s3.BucketPublicAccessBlock; add one with all four settings true.`,
          bucket,
        );
      }
    }
  },
});
