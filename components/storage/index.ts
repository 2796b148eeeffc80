export { ReplicatedBucket, createReplicatedBucket, replicationRuleId } from "./replicatedBucket";
export type {
  ReplicatedBucketArgs,
  ReplicatedBucketOutputs,
  BucketReplication,
} from "./replicatedBucket";
export { destinationIssues } from "./destinations";
export type { ReplicationDestination } from "./destinations";
