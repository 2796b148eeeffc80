import { regionCode } from "../../config/regions";
import { outOfBandProperties } from "../../components/switchover/outOfBand";
import { DrManifest, MANIFEST_OUTPUT } from "../../manifest";
import { SampleRegion, sampleManifest } from "../../manifest/sample";
import type { Render, RenderedResource } from "../../plan/render";
import { T } from "../lib/types";
import { trafficSnapshot } from "./trafficRender";

/*
 * Compliant cells shaped like the components render them: the AWS children of the dr:*
 * components with their inputs, options and computed state, and the drManifest output. Two
 * cells (us-east-1 home, eu-west-1 joiner, us-west-2 as the witness region) by default, or
 * three (ap-southeast-1 too). The Route 53 and CloudWatch resources and the manifest's
 * `traffic` section come from a render of the real CellTraffic component (trafficRender.ts);
 * the rest is built here from manifest/sample.ts. Tests take one compliant fixture per
 * resource type and change one field; the bench evaluates the pack over the cells.
 */

export type CellRegion = SampleRegion;

/** The default deployment: two cells. */
export const TWO_CELLS: readonly CellRegion[] = ["us-east-1", "eu-west-1"];
/** The deployment: a third cell. */
export const THREE_CELLS: readonly CellRegion[] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

export interface CellOptions {
  /** Every cell of the deployment, home first. Defaults to TWO_CELLS. */
  regions?: readonly CellRegion[];
  /**
   * The home cell's first deploy: no peer has published the gate it hosts for this cell, so
   * the writer check and record are deferred. Only for the home cell of TWO_CELLS.
   */
  firstDeploy?: boolean;
}

const ACCOUNT = "123456789012";
const HOME = "us-east-1";

function deploymentKey(regions: readonly CellRegion[]): string {
  if (regions.join() === TWO_CELLS.join()) return "two";
  if (regions.join() === THREE_CELLS.join()) return "three";
  throw new Error(`no rendered traffic for the cells ${regions.join(", ")}`);
}

/** The DR manifest a compliant cell publishes: the sample's, with the rendered traffic. */
export function cellManifest(region: CellRegion, opts: CellOptions = {}): DrManifest {
  const regions = opts.regions ?? TWO_CELLS;
  const key = deploymentKey(regions);
  const snapshot = trafficSnapshot();
  const manifest = sampleManifest(region, regions);
  if (opts.firstDeploy) {
    if (region !== HOME || key !== "two") throw new Error("firstDeploy is the home cell's only");
    manifest.traffic = structuredClone(snapshot.firstDeploy[key].manifestTraffic);
    manifest.deferred = [
      "the writer record (its gate check needs the writer gate prod-euw1 hosts for this cell)",
    ];
  } else {
    manifest.traffic = structuredClone(snapshot.steady[key][region].manifestTraffic);
  }
  return manifest;
}

export function cellRender(region: CellRegion, opts: CellOptions = {}): Render {
  const regions = opts.regions ?? TWO_CELLS;
  const manifest = cellManifest(region, opts);
  const home = region === HOME;
  const cell = manifest.cell;
  const peerRegions = regions.filter((r) => r !== region);
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
      dependsOn: [],
      registeredInApply: false,
    });
  };

  // The program's root component (components/cell: `dr:cell:RegionalCell`).
  add("dr:cell:RegionalCell", "shop", {}, { parent: "" });

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

  // MSK: the cell's cluster and one replicator per peer, pulling its topics into this one.
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
  for (const rep of msk.replicators) {
    const peerCell = regionCode(rep.sourceRegion);
    add(
      T.mskReplicator,
      `shop-mskReplicator-${peerCell}`,
      {
        replicatorName: rep.replicatorName,
        serviceExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-replicator`,
        kafkaClusters: [
          {
            amazonMskCluster: { mskClusterArn: rep.sourceClusterArn },
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
          sourceKafkaClusterArn: rep.sourceClusterArn,
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
              consumerGroupOffsetSyncMode: rep.offsetSyncMode,
            },
          ],
        },
        tags,
      },
      { computed: { arn: rep.replicatorArn } },
    );
  }

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
    // One rule per peer; S3 needs distinct priorities once there are several.
    rules: peerRegions.map((peerRegion, i) => ({
      id: `to-${regionCode(peerRegion)}`,
      ...(peerRegions.length > 1 ? { priority: i + 1 } : {}),
      status: "Enabled",
      filter: {},
      deleteMarkerReplication: { status: "Enabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: {
        bucket: manifest.stores.s3.replicationDestinations[i],
        encryptionConfiguration: {
          replicaKmsKeyId: `arn:aws:kms:${peerRegion}:${ACCOUNT}:key/${manifest.stores.kms.keyId}`,
        },
      },
    })),
  });

  // Secrets: the database secret lives at home, replicated to the peers.
  if (home) {
    add(
      T.secret,
      "shop-auroraSecret",
      {
        name: "shop-aurora-master",
        kmsKeyId: keyArn,
        replicas: peerRegions.map((peerRegion) => ({
          region: peerRegion,
          kmsKeyId: `arn:aws:kms:${peerRegion}:${ACCOUNT}:key/${manifest.stores.kms.keyId}`,
        })),
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

  // Events (components/events): the fan-out topic, the bus's rule -> Kinesis target with its
  // DLQ, Firehose into the cell's bucket, and the Express job workflow.
  const events = manifest.stores.events!;
  add("dr:events:CellEvents", "shop-events", {});
  add(
    T.snsTopic,
    "shop-events-topic",
    { name: `shop-${cell}-events`, kmsMasterKeyId: keyArn, tags },
    { parent: "shop-events", computed: { arn: events.topicArn } },
  );
  add(
    T.eventTarget,
    "shop-events-lakeTarget",
    {
      rule: `shop-${cell}-events-to-lake`,
      eventBusName: events.busName,
      targetId: "lake-stream",
      arn: events.kinesisStreamArn,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-events-to-lake`,
      kinesisTarget: { partitionKeyPath: "$.id" },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: events.deadLetterQueueArn },
    },
    { parent: "shop-events" },
  );
  add(
    T.firehose,
    "shop-events-firehose",
    {
      name: `shop-${cell}-lake`,
      destination: "extended_s3",
      kinesisSourceConfiguration: {
        kinesisStreamArn: events.kinesisStreamArn,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-lake`,
      },
      extendedS3Configuration: {
        bucketArn: events.lake.bucketArn,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/shop-${cell}-lake`,
        prefix: events.lake.prefix,
        errorOutputPrefix: events.lake.errorPrefix,
        kmsKeyArn: keyArn,
      },
      tags,
    },
    { parent: "shop-events", computed: { arn: events.firehoseArn } },
  );
  add(
    T.stateMachine,
    "shop-events-workflow",
    {
      name: `shop-${cell}-jobs`,
      type: "EXPRESS",
      loggingConfiguration: {
        logDestination: `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/vendedlogs/states/shop-${cell}-jobs:*`,
        level: "ALL",
        includeExecutionData: false,
      },
      tracingConfiguration: { enabled: true },
      tags,
    },
    { parent: "shop-events", computed: { arn: events.stateMachineArn } },
  );

  // Functions (components/functions): the two writer-only consumers, their mappings (enabled
  // at creation in the home cell only) and the stream processor's on-failure queue.
  const fns = manifest.stores.functions!;
  add("dr:functions:CellFunctions", "shop-functions", {});
  const streamDlqArn = `arn:aws:sqs:${region}:${ACCOUNT}:shop-${cell}-stream-dlq`;
  add(
    T.queue,
    "shop-functions-streamFailureQueue",
    {
      name: `shop-${cell}-stream-dlq`,
      kmsMasterKeyId: keyArn,
      messageRetentionSeconds: 1209600,
      tags,
    },
    { parent: "shop-functions", computed: { arn: streamDlqArn } },
  );
  for (const c of fns.consumers) {
    const role = c.source === "sqs" ? "queueConsumer" : "streamProcessor";
    add(
      T.lambdaFunction,
      `shop-functions-${role}`,
      {
        name: c.functionName,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        memorySize: 256,
        timeout: 10,
        reservedConcurrentExecutions: c.source === "sqs" ? 10 : 5,
        tracingConfig: { mode: "Active" },
        kmsKeyArn: keyArn,
        tags,
      },
      { parent: "shop-functions", computed: { arn: c.functionArn } },
    );
    add(
      T.eventSourceMapping,
      `shop-functions-${c.source === "sqs" ? "queueMapping" : "streamMapping"}`,
      {
        functionName: c.functionArn,
        eventSourceArn: c.sourceArn,
        enabled: home,
        functionResponseTypes: ["ReportBatchItemFailures"],
        ...(c.source === "sqs"
          ? { batchSize: 10, scalingConfig: { maximumConcurrency: 10 } }
          : {
              batchSize: 100,
              startingPosition: "LATEST",
              parallelizationFactor: 1,
              bisectBatchOnFunctionError: true,
              maximumRetryAttempts: 5,
              maximumRecordAgeInSeconds: 3600,
              destinationConfig: { onFailure: { destinationArn: streamDlqArn } },
            }),
        tags,
      },
      {
        parent: "shop-functions",
        ignoreChanges: outOfBandProperties(T.eventSourceMapping),
        computed: { uuid: c.eventSourceMappingUuid, functionArn: c.functionArn },
      },
    );
  }

  // Route 53 and the writer gates: the real CellTraffic component's render (trafficRender.ts).
  const snapshot = trafficSnapshot();
  const traffic = opts.firstDeploy
    ? snapshot.firstDeploy[deploymentKey(regions)]
    : snapshot.steady[deploymentKey(regions)][region];
  for (const r of structuredClone(traffic.resources)) {
    resources.push(r.type === "dr:traffic:CellTraffic" ? { ...r, parent: "shop" } : r);
  }

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
    providers: {},
  };
}
