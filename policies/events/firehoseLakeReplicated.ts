import { stackPolicy } from "../lib/policy";
import { at, physicalName, str } from "../lib/props";
import { BUCKET_TYPES, T } from "../lib/types";
import { ownManifest } from "../stack/ownManifest";

export const firehoseLakeReplicated = stackPolicy({
  name: "firehose-lake-replicated",
  description:
    "Every Firehose S3 destination is a bucket of this stack that replicates to the peer cells. The lake is what survives a region's loss; a lake in an unreplicated (or another stack's) bucket is lost with its region.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const buckets = stack.ofType(...BUCKET_TYPES);
    const replicated = new Set(stack.ofType(T.bucketReplication).map((r) => str(r.props.bucket)));
    const own = ownManifest(stack);
    // A first deploy has no peer bucket yet; dr-deferred-replication reports that.
    const deferred =
      own.kind === "valid" && own.manifest.deferred.some((d) => d.startsWith("S3 replication"));
    for (const fh of stack.ofType(T.firehose)) {
      const arn = str(at(fh.props, "extendedS3Configuration.bucketArn"));
      if (!arn) continue;
      const bucket = buckets.find((b) => str(b.props.arn) === arn);
      if (!bucket) {
        report(
          `extendedS3Configuration.bucketArn ${arn} is no bucket of this stack; deliver to the cell's replicated bucket (components/storage ReplicatedBucket).`,
          fh,
        );
        continue;
      }
      const name = str(bucket.props.bucket) ?? physicalName(bucket.props, bucket.name);
      const refs = [name, str(bucket.props.id), arn];
      if (!deferred && !refs.some((r) => r && replicated.has(r))) {
        report(
          `delivers to bucket ${name}, which has no aws.s3.BucketReplicationConfig; deliver to the cell's replicated bucket, or add replication to the peer cells' buckets.`,
          fh,
        );
      }
    }
  },
});
