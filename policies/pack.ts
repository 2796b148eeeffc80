import type { DrPolicy } from "./lib/policy";
import { auroraBackupRetention } from "./aurora/backupRetention";
import { auroraDeletionProtection } from "./aurora/deletionProtection";
import { auroraEngineVersionMatchesGlobal } from "./aurora/engineVersionMatchesGlobal";
import { auroraClusterInGlobalCluster } from "./aurora/clusterInGlobalCluster";
import { auroraInstanceNotPublic } from "./aurora/instanceNotPublic";
import { auroraSecondaryNoMasterCredentials } from "./aurora/secondaryNoMasterCredentials";
import { auroraStorageEncrypted } from "./aurora/storageEncrypted";
import { dynamodbCapacityScales } from "./dynamodb/capacityScales";
import { dynamodbDeletionProtection } from "./dynamodb/deletionProtection";
import { dynamodbReplicaKms } from "./dynamodb/replicaKms";
import { dynamodbReplicaPitr } from "./dynamodb/replicaPitr";
import { dynamodbTableKms } from "./dynamodb/tableKms";
import { dynamodbTablePitr } from "./dynamodb/tablePitr";
import { dynamodbTableStream } from "./dynamodb/tableStream";
import { eksControlPlaneLogging } from "./eks/controlPlaneLogging";
import { eksHealthPathMatchesRoute53 } from "./eks/healthPathMatchesRoute53";
import { eksPrivateEndpoint } from "./eks/privateEndpoint";
import { eksTargetGroupBinding } from "./eks/targetGroupBinding";
import { elasticacheEncryptionAtRest } from "./elasticache/encryptionAtRest";
import { elasticacheEncryptionInTransit } from "./elasticache/encryptionInTransit";
import { elasticacheGlobalDatastoreMember } from "./elasticache/globalDatastoreMember";
import { kmsKeyRotation } from "./kms/keyRotation";
import { kmsMultiRegionKey } from "./kms/multiRegionKey";
import { mskClientTlsOnly } from "./msk/clientTlsOnly";
import { mskEncryptionAtRest } from "./msk/encryptionAtRest";
import { mskIamAuth } from "./msk/iamAuth";
import { mskReplicatorSyncsConsumerOffsets } from "./msk/replicatorSyncsConsumerOffsets";
import { mskReplicatorEnhancedOffsetSync } from "./msk/replicatorEnhancedOffsetSync";
import { mskReplicatorPerPeer } from "./msk/replicatorPerPeer";
import { mskReplicatorIdenticalTopicNames } from "./msk/replicatorIdenticalTopicNames";
import { mskBrokersThreeAzs } from "./msk/brokersThreeAzs";
import { cloudwatchWriterGateAlarm } from "./cloudwatch/writerGateAlarm";
import { globalObjectsProtected } from "./platform/globalObjectsProtected";
import { outOfBandPropertiesIgnored } from "./platform/outOfBandPropertiesIgnored";
import { route53HealthCheckDetection } from "./route53/healthCheckDetection";
import { route53HealthCheckedTtl } from "./route53/healthCheckedTtl";
import { route53LatencyRecordHealthCheck } from "./route53/latencyRecordHealthCheck";
import { route53CalculatedCheckMajority } from "./route53/calculatedCheckMajority";
import { route53GateCheckInsufficientData } from "./route53/gateCheckInsufficientData";
import { route53NoFailoverRouting } from "./route53/noFailoverRouting";
import { route53WeightedRecordHealthCheck } from "./route53/weightedRecordHealthCheck";
import { s3BlockPublicAccess } from "./s3/blockPublicAccess";
import { s3BucketCompanions } from "./s3/bucketCompanions";
import { s3ReplicationEnabled } from "./s3/replicationEnabled";
import { s3VersioningEnabled } from "./s3/versioningEnabled";
import { secretReplicated } from "./secrets/secretReplicated";
import { sqsDeadLetterQueue } from "./sqs/deadLetterQueue";
import { cloudfrontOriginFailover } from "./cloudfront/originFailover";
import { cloudfrontViewerHttps } from "./cloudfront/viewerHttps";
import { cloudfrontWebAclAssociated } from "./cloudfront/webAclAssociated";
import { lambdaMappingBatchItemFailures } from "./lambda/mappingBatchItemFailures";
import { lambdaConsumerDeadLetter } from "./lambda/consumerDeadLetter";
import { lambdaConsumerReservedConcurrency } from "./lambda/consumerReservedConcurrency";
import { lambdaMappingParity } from "./lambda/mappingParity";
import { drDeferredReplication } from "./stack/deferredReplication";
import { apigatewayStageThrottled } from "./apigateway/stageThrottled";
import { apigatewayAuthorizerOnRoutes } from "./apigateway/authorizerOnRoutes";
import { apigatewayRecordHealthCheck } from "./apigateway/recordHealthCheck";
import { apigatewayRouteParity } from "./apigateway/routeParity";
import { firehoseLakeReplicated } from "./events/firehoseLakeReplicated";
import { stepFunctionsLogging } from "./events/stepfunctionsLogging";
import { eventbridgeTargetDeadLetter } from "./events/eventbridgeTargetDeadLetter";
import { eventsTopicEncrypted } from "./events/topicEncrypted";
import { drDeploymentWriterRouting } from "./stack/deploymentWriterRouting";
import { drManifestComplete } from "./stack/manifestComplete";
import { peerCellParity } from "./stack/peerCellParity";
import { drReplicationCoverage } from "./stack/replicationCoverage";
import { rtoBudgetWithinTarget } from "./stack/rtoBudgetWithinTarget";
import { drWriterGatesHosted } from "./stack/writerGatesHosted";
import { drWriterQuorum } from "./stack/writerQuorum";
import { drWriterRecord } from "./stack/writerRecord";

/** The pack's name as the engine and the Pulumi Cloud show it. */
export const PACK_NAME = "dr-policies";

/** Every policy in the pack, resource policies first. index.ts serves exactly this list. */
export const DR_POLICIES: DrPolicy[] = [
  // DynamoDB
  dynamodbTableStream,
  dynamodbTablePitr,
  dynamodbTableKms,
  dynamodbReplicaPitr,
  dynamodbReplicaKms,
  dynamodbDeletionProtection,
  // Aurora
  auroraClusterInGlobalCluster,
  auroraStorageEncrypted,
  auroraDeletionProtection,
  auroraBackupRetention,
  auroraInstanceNotPublic,
  // Switchover safety
  globalObjectsProtected,
  outOfBandPropertiesIgnored,
  // MSK
  mskClientTlsOnly,
  mskIamAuth,
  mskEncryptionAtRest,
  mskBrokersThreeAzs,
  mskReplicatorIdenticalTopicNames,
  mskReplicatorSyncsConsumerOffsets,
  mskReplicatorEnhancedOffsetSync,
  // Route 53
  route53NoFailoverRouting,
  route53WeightedRecordHealthCheck,
  route53CalculatedCheckMajority,
  route53GateCheckInsufficientData,
  cloudwatchWriterGateAlarm,
  route53LatencyRecordHealthCheck,
  route53HealthCheckedTtl,
  route53HealthCheckDetection,
  // CloudFront (the home stack's edge)
  cloudfrontOriginFailover,
  cloudfrontWebAclAssociated,
  cloudfrontViewerHttps,
  // S3, SQS, KMS, ElastiCache, Secrets Manager, EKS
  s3VersioningEnabled,
  s3ReplicationEnabled,
  s3BlockPublicAccess,
  sqsDeadLetterQueue,
  kmsMultiRegionKey,
  kmsKeyRotation,
  elasticacheEncryptionAtRest,
  elasticacheEncryptionInTransit,
  secretReplicated,
  eksControlPlaneLogging,
  eksPrivateEndpoint,
  // Events and Step Functions (components/events)
  stepFunctionsLogging,
  eventbridgeTargetDeadLetter,
  // Lambda consumers (components/functions)
  lambdaMappingBatchItemFailures,
  // Stack policies
  // API Gateway and Cognito (components/api)
  apigatewayStageThrottled,
  apigatewayAuthorizerOnRoutes,
  apigatewayRecordHealthCheck,
  apigatewayRouteParity,
  dynamodbCapacityScales,
  auroraSecondaryNoMasterCredentials,
  auroraEngineVersionMatchesGlobal,
  elasticacheGlobalDatastoreMember,
  s3BucketCompanions,
  drReplicationCoverage,
  mskReplicatorPerPeer,
  drDeferredReplication,
  rtoBudgetWithinTarget,
  drManifestComplete,
  peerCellParity,
  drWriterRecord,
  drWriterQuorum,
  drWriterGatesHosted,
  drDeploymentWriterRouting,
  eksTargetGroupBinding,
  eksHealthPathMatchesRoute53,
  firehoseLakeReplicated,
  eventsTopicEncrypted,
  lambdaConsumerDeadLetter,
  lambdaConsumerReservedConcurrency,
  lambdaMappingParity,
];
