export { StreamingCell, createStreamingCell, brokerAzCount, MSK_MAX_AZS } from "./streamingCell";
export type {
  StreamingCellArgs,
  StreamingCellOutputs,
  ReplicationSource,
  ReplicationPeer,
  ReplicatorOutputs,
  PlannedReplicator,
} from "./streamingCell";
export {
  parseMskClusterArn,
  kafkaResourceArns,
  replicatorPolicyDocument,
  replicatorAccessPolicyDocument,
  exactTopicPattern,
  planReplicator,
  TOPIC_NAME,
} from "./replication";
export type {
  MskClusterArnParts,
  OffsetSyncMode,
  StartingPosition,
  ReplicatorPlan,
} from "./replication";
