import { outOfBandProperties } from "../../components/switchover/outOfBand";
import { MANIFEST_OUTPUT } from "../../manifest";
import { sampleManifest } from "../../manifest/sample";
import type { Render, RenderedResource } from "../../plan/render";
import { T } from "../lib/types";

/*
 * Two compliant cells (us-east-1 home, eu-west-1 joiner) shaped like the components render
 * them: the AWS children of the dr:* components with their inputs, options and computed
 * state, and the drManifest output from manifest/sample.ts. Tests take one compliant fixture
 * per resource type from here and change one field; the bench evaluates the pack over both.
 */

export type CellRegion = "us-east-1" | "eu-west-1";

const ACCOUNT = "123456789012";
const HOME = "us-east-1";
const OTHER: Record<CellRegion, CellRegion> = {
  "us-east-1": "eu-west-1",
  "eu-west-1": "us-east-1",
};

export function cellRender(region: CellRegion): Render {
  const manifest = sampleManifest(region);
  const home = region === HOME;
  const cell = manifest.cell;
  const peerCell = home ? "euw1" : "use1";
  const peerRegion = OTHER[region];
  const tags = { "dr:app": "shop", "dr:cell": cell, "dr:region": region };
  const keyArn = manifest.stores.kms.keyArn;
  const resources: RenderedResource[] = [];
  const add = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    opts: {
      parent?: string;
      protect?: boolean;
      ignoreChanges?: string[];
      computed?: Record<string, unknown>;
    } = {},
  ): void => {
    const custom = !type.startsWith("dr:") && type !== T.eksComponent;
    resources.push({
      type,
      name,
      parent: opts.parent === undefined ? "shop" : opts.parent || undefined,
      custom,
      inputs,
      state: { ...inputs, ...(opts.computed ?? {}) },
      id: custom ? `mocked::${type}::${name}` : undefined,
      protect: opts.protect ?? false,
      // Follow the out-of-band table, whatever it lists, like the components do.
      ignoreChanges: opts.ignoreChanges ?? outOfBandProperties(type),
      deleteBeforeReplace: false,
      retainOnDelete: false,
    });
  };

  add("dr:cell:Cell", "shop", {}, { parent: "" });

  // KMS: the multi-Region primary at home, a replica elsewhere.
  if (home) {
    add(
      T.kmsKey,
      "shop-kmsKey",
      {
        description: "shop cell key",
        multiRegion: true,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      { computed: { arn: keyArn, keyId: manifest.stores.kms.keyId } },
    );
  } else {
    add(
      T.kmsReplicaKey,
      "shop-kmsReplicaKey",
      { primaryKeyArn: manifest.stores.kms.primaryKeyArn, deletionWindowInDays: 30, tags },
      { computed: { arn: keyArn } },
    );
  }

  // DynamoDB: tables at home, replicas elsewhere.
  const tables = [...manifest.stores.dynamodb, manifest.stores.controlTable!];
  for (const t of tables) {
    const role = t.tableName.replace(/^shop-/, "");
    if (home) {
      add(
        T.dynamoTable,
        `shop-${role}Table`,
        {
          name: t.tableName,
          billingMode: "PAY_PER_REQUEST",
          hashKey: t.partitionKey,
          attributes: [{ name: t.partitionKey, type: "S" }],
          streamEnabled: true,
          streamViewType: "NEW_AND_OLD_IMAGES",
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
          deletionProtectionEnabled: true,
          tags,
        },
        {
          protect: true,
          ignoreChanges: outOfBandProperties(T.dynamoTable),
          computed: { arn: t.tableArn },
        },
      );
    } else {
      add(
        T.dynamoReplica,
        `shop-${role}Replica`,
        {
          globalTableArn: `arn:aws:dynamodb:${HOME}:${ACCOUNT}:table/${t.tableName}`,
          kmsKeyArn: keyArn,
          pointInTimeRecovery: true,
          deletionProtectionEnabled: true,
          tags,
        },
        { computed: { arn: t.tableArn } },
      );
    }
  }

  // Aurora: the global cluster and the primary at home, a secondary elsewhere.
  const aurora = manifest.stores.aurora!;
  if (home) {
    add(
      T.globalCluster,
      "shop-globalCluster",
      {
        globalClusterIdentifier: aurora.globalClusterIdentifier,
        engine: aurora.engine,
        engineVersion: aurora.engineVersion,
        databaseName: "shop",
        storageEncrypted: true,
        deletionProtection: true,
      },
      {
        protect: true,
        ignoreChanges: outOfBandProperties(T.globalCluster),
        computed: { arn: aurora.globalClusterArn },
      },
    );
  }
  add(
    T.auroraCluster,
    "shop-auroraCluster",
    {
      clusterIdentifier: aurora.clusterIdentifier,
      engine: aurora.engine,
      engineVersion: aurora.engineVersion,
      globalClusterIdentifier: aurora.globalClusterIdentifier,
      ...(home
        ? { databaseName: "shop", masterUsername: "dbadmin", masterPassword: "mock-password" }
        : {}),
      storageEncrypted: true,
      kmsKeyId: keyArn,
      deletionProtection: true,
      backupRetentionPeriod: 14,
      dbSubnetGroupName: `shop-${cell}-db`,
      tags,
    },
    {
      ignoreChanges: outOfBandProperties(T.auroraCluster),
      computed: { arn: aurora.clusterArn, endpoint: aurora.writerEndpoint },
    },
  );
  for (const i of [1, 2]) {
    add(
      T.auroraInstance,
      `shop-auroraInstance${i}`,
      {
        identifier: `shop-${cell}-${i}`,
        clusterIdentifier: aurora.clusterIdentifier,
        instanceClass: aurora.instanceClass,
        engine: aurora.engine,
        publiclyAccessible: false,
        tags,
      },
      { ignoreChanges: outOfBandProperties(T.auroraInstance) },
    );
  }

  // MSK: the cell's cluster and the replicator that pulls the peer's topics into it.
  const msk = manifest.stores.msk;
  add(
    T.mskCluster,
    "shop-mskCluster",
    {
      clusterName: msk.clusterName,
      kafkaVersion: msk.kafkaVersion,
      numberOfBrokerNodes: msk.brokers,
      brokerNodeGroupInfo: {
        instanceType: msk.brokerInstanceType,
        clientSubnets: msk.clientSubnetIds,
        securityGroups: msk.securityGroupIds,
      },
      clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: keyArn,
        encryptionInTransit: { clientBroker: "TLS", inCluster: true },
      },
      tags,
    },
    { computed: { arn: msk.clusterArn, bootstrapBrokersSaslIam: msk.bootstrapBrokersIam } },
  );
  add(
    T.mskReplicator,
    "shop-mskReplicator",
    {
      replicatorName: `shop-${cell}-from-${peerCell}`,
      serviceExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-replicator`,
      kafkaClusters: [
        {
          amazonMskCluster: { mskClusterArn: msk.sourceClusterArn },
          vpcConfig: {
            subnetIds: [`subnet-${peerCell}-a`, `subnet-${peerCell}-b`, `subnet-${peerCell}-c`],
          },
        },
        {
          amazonMskCluster: { mskClusterArn: msk.clusterArn },
          vpcConfig: { subnetIds: msk.clientSubnetIds, securityGroupsIds: msk.securityGroupIds },
        },
      ],
      replicationInfoList: {
        sourceKafkaClusterArn: msk.sourceClusterArn,
        targetKafkaClusterArn: msk.clusterArn,
        targetCompressionType: "NONE",
        topicReplications: [
          {
            topicsToReplicates: msk.topics,
            topicNameConfiguration: { type: "IDENTICAL" },
            copyTopicConfigurations: true,
            detectAndCopyNewTopics: true,
          },
        ],
        consumerGroupReplications: [
          {
            consumerGroupsToReplicates: [".*"],
            synchroniseConsumerGroupOffsets: true,
            detectAndCopyNewConsumerGroups: true,
          },
        ],
      },
      tags,
    },
    { computed: { arn: msk.replicatorArn } },
  );

  // ElastiCache: the global datastore's primary at home, a secondary elsewhere.
  const cache = manifest.stores.cache;
  add(
    T.replicationGroup,
    "shop-cache",
    {
      replicationGroupId: cache.replicationGroupId,
      description: `shop ${cell} cache`,
      ...(home
        ? {
            engine: cache.engine,
            engineVersion: cache.engineVersion,
            nodeType: cache.nodeType,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            kmsKeyId: keyArn,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
          }
        : { globalReplicationGroupId: cache.globalReplicationGroupId }),
      numCacheClusters: 2,
      tags,
    },
    { ignoreChanges: outOfBandProperties(T.replicationGroup) },
  );
  if (home) {
    add(
      T.globalReplicationGroup,
      "shop-globalDatastore",
      {
        globalReplicationGroupIdSuffix: "shop-global",
        primaryReplicationGroupId: cache.replicationGroupId,
      },
      {
        ignoreChanges: outOfBandProperties(T.globalReplicationGroup),
        computed: { globalReplicationGroupId: cache.globalReplicationGroupId },
      },
    );
  }

  // S3: the cell's bucket, versioned, private and replicated to the peer's.
  const bucket = manifest.stores.s3.bucketName;
  add(
    T.bucket,
    "shop-bucket",
    { bucket, tags },
    { computed: { arn: manifest.stores.s3.bucketArn } },
  );
  add(T.bucketVersioning, "shop-bucketVersioning", {
    bucket,
    versioningConfiguration: { status: "Enabled" },
  });
  add(T.bucketPublicAccessBlock, "shop-bucketPublicAccessBlock", {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  add(T.bucketReplication, "shop-bucketReplication", {
    bucket,
    role: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-s3-replication`,
    rules: [
      {
        id: `to-${peerCell}`,
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: manifest.stores.s3.replicationDestinations[0],
          encryptionConfiguration: {
            replicaKmsKeyId: `arn:aws:kms:${peerRegion}:${ACCOUNT}:key/${manifest.stores.kms.keyId}`,
          },
        },
      },
    ],
  });

  // Secrets: the database secret lives at home, replicated to the peers.
  if (home) {
    add(
      T.secret,
      "shop-auroraSecret",
      {
        name: "shop-aurora-master",
        kmsKeyId: keyArn,
        replicas: [
          {
            region: peerRegion,
            kmsKeyId: `arn:aws:kms:${peerRegion}:${ACCOUNT}:key/${manifest.stores.kms.keyId}`,
          },
        ],
        tags,
      },
      { computed: { arn: manifest.stores.secrets.secretArn } },
    );
  }

  // SQS: the work queue and its dead-letter queue.
  const queue = manifest.stores.queue;
  add(
    T.queue,
    "shop-queue-deadLetterQueue",
    {
      name: `shop-${cell}-work-dlq`,
      kmsMasterKeyId: keyArn,
      messageRetentionSeconds: 1209600,
      tags,
    },
    { parent: "shop-queue", computed: { arn: queue.deadLetterQueueArn } },
  );
  add(
    T.queue,
    "shop-queue-queue",
    {
      name: `shop-${cell}-work`,
      kmsMasterKeyId: keyArn,
      visibilityTimeoutSeconds: 60,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: queue.deadLetterQueueArn,
        maxReceiveCount: 5,
      }),
      tags,
    },
    { parent: "shop-queue", computed: { arn: queue.queueArn, url: queue.queueUrl } },
  );

  // Route 53: HTTPS check, the traffic-switch gate, the writer's calculated check, records.
  const traffic = manifest.traffic;
  const hc = traffic.healthCheck;
  add(
    T.healthCheck,
    "shop-httpsHealthCheck",
    {
      type: "HTTPS",
      fqdn: manifest.endpoints.regionalName,
      port: 443,
      resourcePath: hc.path,
      requestInterval: hc.intervalSeconds,
      failureThreshold: hc.failureThreshold,
      tags,
    },
    { computed: { id: hc.healthCheckId } },
  );
  add(T.healthCheck, "shop-gateHealthCheck", {
    type: "CLOUDWATCH_METRIC",
    cloudwatchAlarmName: `shop-${cell}-writer-gate-${region}`,
    cloudwatchAlarmRegion: region,
    insufficientDataHealthStatus: "LastKnownStatus",
    tags,
  });
  add(
    T.healthCheck,
    "shop-writerHealthCheck",
    {
      type: "CALCULATED",
      childHealthchecks: [hc.healthCheckId, `hc-gate-${cell}-${region}`],
      childHealthThreshold: 2,
      tags,
    },
    { computed: { id: hc.writerHealthCheckId } },
  );
  add(T.record, "shop-regionalRecord", {
    zoneId: traffic.hostedZoneId,
    name: manifest.endpoints.regionalName,
    type: "A",
    aliases: [
      {
        name: manifest.endpoints.loadBalancerDnsName,
        zoneId: "Z35SXDOTRQ7X7K",
        evaluateTargetHealth: true,
      },
    ],
  });
  add(T.record, "shop-latencyRecord", {
    zoneId: traffic.hostedZoneId,
    name: traffic.latencyRecord.name,
    type: "CNAME",
    ttl: traffic.ttlSeconds,
    records: [manifest.endpoints.regionalName],
    setIdentifier: cell,
    latencyRoutingPolicies: [{ region }],
    healthCheckId: hc.healthCheckId,
  });
  add(T.record, "shop-writerRecord", {
    zoneId: traffic.hostedZoneId,
    name: traffic.failoverRecord.name,
    type: "CNAME",
    ttl: traffic.ttlSeconds,
    records: [manifest.endpoints.regionalName],
    setIdentifier: cell,
    failoverRoutingPolicies: [{ type: traffic.failoverRecord.role }],
    healthCheckId: hc.writerHealthCheckId,
  });
  add("aws:cloudwatch/metricAlarm:MetricAlarm", "shop-writerGateAlarm", {
    name: `shop-${cell}-writer-gate-${region}`,
    namespace: "DR/TrafficSwitch",
    metricName: "WriterGate",
    comparisonOperator: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: 1,
    period: 10,
    statistic: "Minimum",
    treatMissingData: "breaching",
    tags,
  });

  // EKS: a remote component; the plan sees its inputs.
  add(T.eksComponent, "shop-eks", {
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    instanceType: manifest.capacity.eksInstanceType,
    desiredCapacity: manifest.capacity.eksDesiredNodes,
    maxSize: manifest.capacity.eksMaxNodes,
    tags,
  });

  return {
    project: "dr",
    stack: manifest.stack,
    resources,
    outputs: { [MANIFEST_OUTPUT]: manifest },
    secretOutputs: [],
    logs: [],
  };
}
