import * as pulumi from "@pulumi/pulumi";
import { isAwsRegion } from "../../config/regions";

/** A peer cell's bucket that this bucket replicates to (from the peer's DR manifest). */
export interface ReplicationDestination {
  /** `arn:aws:s3:::<bucket>`. */
  bucketArn: string;
  /** The peer bucket's region. */
  region: string;
  /** The peer's KMS key, in the peer's region: replicas are re-encrypted with it. */
  kmsKeyArn: string;
}

const BUCKET_ARN = /^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[\w-]*:kms:([a-z0-9-]+):\d{12}:key\/[\w-]+$/;

/** Every problem with the destinations, each naming the entry, the field and the fix. */
export function destinationIssues(
  sourceRegion: string,
  destinations: readonly ReplicationDestination[],
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  if (!Array.isArray(destinations)) {
    return [
      {
        propertyPath: "destinations",
        reason: "must be a list of {bucketArn, region, kmsKeyArn}; use [] before the peers exist.",
      },
    ];
  }
  const seenBuckets = new Map<string, number>();
  const seenRegions = new Map<string, number>();
  destinations.forEach((d, i) => {
    const at = `destinations[${i}]`;
    if (typeof d?.bucketArn !== "string" || !BUCKET_ARN.test(d.bucketArn)) {
      issues.push({
        propertyPath: `${at}.bucketArn`,
        reason: `'${String(d?.bucketArn)}' is not an S3 bucket ARN (arn:aws:s3:::<bucket>); pass stores.s3.bucketArn from the peer's DR manifest.`,
      });
    } else if (seenBuckets.has(d.bucketArn)) {
      issues.push({
        propertyPath: `${at}.bucketArn`,
        reason: `repeats destinations[${seenBuckets.get(d.bucketArn)}]; list each peer bucket once.`,
      });
    } else {
      seenBuckets.set(d.bucketArn, i);
    }
    if (typeof d?.region !== "string" || !isAwsRegion(d.region)) {
      issues.push({
        propertyPath: `${at}.region`,
        reason: `'${String(d?.region)}' is not an AWS region code such as eu-west-1.`,
      });
    } else if (d.region === sourceRegion) {
      issues.push({
        propertyPath: `${at}.region`,
        reason: `is this bucket's own region (${sourceRegion}); replicate only to peer cells in other regions.`,
      });
    } else if (seenRegions.has(d.region)) {
      issues.push({
        propertyPath: `${at}.region`,
        reason: `repeats the region of destinations[${seenRegions.get(d.region)}]; one cell per region, so one destination per region.`,
      });
    } else {
      seenRegions.set(d.region, i);
    }
    const key = typeof d?.kmsKeyArn === "string" ? KMS_KEY_ARN.exec(d.kmsKeyArn) : null;
    if (!key) {
      issues.push({
        propertyPath: `${at}.kmsKeyArn`,
        reason: `'${String(d?.kmsKeyArn)}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); pass stores.kms.keyArn from the peer's DR manifest.`,
      });
    } else if (typeof d.region === "string" && key[1] !== d.region) {
      issues.push({
        propertyPath: `${at}.kmsKeyArn`,
        reason: `is a key in ${key[1]}, but the destination bucket is in ${d.region}; S3 re-encrypts replicas with a key in the destination's region.`,
      });
    }
  });
  return issues;
}
