export { StreamingCell, createStreamingCell, brokerAzCount, MSK_MAX_AZS } from "./streamingCell";
export type {
  StreamingCellArgs,
  StreamingCellOutputs,
  ReplicationSource,
  ReplicatorOutputs,
  OffsetSyncMode,
} from "./streamingCell";
export {
  parseMskClusterArn,
  kafkaResourceArns,
  replicatorPolicyDocument,
  replicatorAccessPolicyDocument,
  exactTopicPattern,
  TOPIC_NAME,
} from "./replication";
export type { MskClusterArnParts } from "./replication";
