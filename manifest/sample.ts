import { regionCode } from "../config/regions";
import { DrManifest } from "./schema";
import { lakePrefixes } from "../components/events/lake";

/** The regions of the sample cells, home first. */
export const SAMPLE_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"] as const;
export type SampleRegion = (typeof SAMPLE_REGIONS)[number];

const CIDRS: Record<SampleRegion, string> = {
  "us-east-1": "10.10.0.0/16",
  "eu-west-1": "10.20.0.0/16",
  "ap-southeast-1": "10.30.0.0/16",
};

/**
 * A valid manifest of one cell of a sample deployment (us-east-1 home, eu-west-1 joiner, and
 * ap-southeast-1 when `regions` lists it) for unit tests of the policy pack and the failover
 * commands that do not need a full offline render. Two cells take us-west-2 as the witness
 * region of their writer gates. The offline plan produces the real ones from the stacks.
 */
export function sampleManifest(
  region: SampleRegion = "us-east-1",
  regions: readonly SampleRegion[] = ["us-east-1", "eu-west-1"],
): DrManifest {
  const home = region === "us-east-1";
  const cell = regionCode(region);
  const others = regions.filter((r) => r !== region);
  const witnessRegions = regions.length < 3 ? ["us-west-2"] : [];
  const gateRegions = [...regions, ...witnessRegions];
  const stackOf = (r: string) => `prod-${regionCode(r)}`;
  const acct = "123456789012";
  const mrk = "mrk-0123456789abcdef0123456789abcdef";
  return {
    schemaVersion: 2,
    app: "shop",
    stack: `prod-${cell}`,
    cell,
    region,
    homeRegion: "us-east-1",
    roleAtCreation: home ? "home" : "joiner",
    peers: others.map((r) => ({ stack: stackOf(r), region: r })),
    generatedAt: "2026-11-22T00:00:00.000Z",
    targets: { tier: "tier0", rtoSeconds: 300, rpoSeconds: 5 },
    budget: {
      detectionSeconds: 30,
      dnsTtlSeconds: 30,
      promotionSeconds: 120,
      writerSwitchSeconds: 155,
      totalSeconds: 215,
    },
    network: { vpcId: `vpc-${cell}`, cidr: CIDRS[region], azCount: 3 },
    endpoints: {
      loadBalancerDnsName: `shop-${cell}-alb.${region}.elb.amazonaws.com`,
      regionalName: `${cell}.shop.example.com`,
      serviceName: "api.shop.example.com",
      writerName: "writer.shop.example.com",
    },
    stores: {
      aurora: {
        engine: "aurora-postgresql",
        engineVersion: "16.6",
        globalClusterIdentifier: "shop-global",
        globalClusterArn: `arn:aws:rds::${acct}:global-cluster:shop-global`,
        clusterIdentifier: `shop-${cell}`,
        clusterArn: `arn:aws:rds:${region}:${acct}:cluster:shop-${cell}`,
        writerEndpoint: `shop-${cell}.cluster-abc.${region}.rds.amazonaws.com`,
        readerEndpoint: `shop-${cell}.cluster-ro-abc.${region}.rds.amazonaws.com`,
        proxyEndpoint: `shop-${cell}.proxy-abc.${region}.rds.amazonaws.com`,
        instanceClass: "db.r7g.large",
        instances: 2,
      },
      dynamodb: ["orders", "carts"].map((t) => ({
        tableName: `shop-${t}`,
        tableArn: `arn:aws:dynamodb:${region}:${acct}:table/shop-${t}`,
        partitionKey: "pk",
      })),
      controlTable: {
        tableName: "shop-dr-control",
        tableArn: `arn:aws:dynamodb:${region}:${acct}:table/shop-dr-control`,
        partitionKey: "pk",
      },
      msk: {
        clusterArn: `arn:aws:kafka:${region}:${acct}:cluster/shop-${cell}/abcd-1`,
        clusterName: `shop-${cell}`,
        kafkaVersion: "3.8.x",
        bootstrapBrokersIam: `b-1.shop-${cell}.kafka.${region}.amazonaws.com:9098`,
        clientSubnetIds: [`subnet-${cell}-a`, `subnet-${cell}-b`, `subnet-${cell}-c`],
        securityGroupIds: [`sg-${cell}-msk`],
        topics: ["orders", "payments"],
        brokers: 3,
        brokerInstanceType: "kafka.m7g.large",
        // One replicator per other cell, each pulling that cell's topics into this one.
        replicators: others.map((r) => ({
          sourceRegion: r,
          sourceClusterArn: `arn:aws:kafka:${r}:${acct}:cluster/shop-${regionCode(r)}/abcd-1`,
          replicatorArn: `arn:aws:kafka:${region}:${acct}:replicator/shop-${cell}-msk-from-${regionCode(r)}/ab12`,
          replicatorName: `shop-${cell}-msk-from-${regionCode(r)}`,
          offsetSyncMode: "ENHANCED" as const,
          // Of each pair, the replicator created first copied the history (EARLIEST).
          startingPosition: region < r ? ("EARLIEST" as const) : ("LATEST" as const),
        })),
      },
      cache: {
        engine: "valkey",
        engineVersion: "8.0",
        replicationGroupId: `shop-${cell}`,
        globalReplicationGroupId: "ldgnf-shop-global",
        primaryEndpoint: `master.shop-${cell}.cache.amazonaws.com`,
        nodeType: "cache.r7g.large",
      },
      s3: {
        bucketName: `shop-${cell}-data-${acct}`,
        bucketArn: `arn:aws:s3:::shop-${cell}-data-${acct}`,
        replicationDestinations: others.map(
          (r) => `arn:aws:s3:::shop-${regionCode(r)}-data-${acct}`,
        ),
      },
      kms: {
        keyArn: `arn:aws:kms:${region}:${acct}:key/${mrk}`,
        keyId: mrk,
        multiRegion: true,
        primaryKeyArn: `arn:aws:kms:us-east-1:${acct}:key/${mrk}`,
      },
      secrets: {
        secretArn: `arn:aws:secretsmanager:us-east-1:${acct}:secret:shop-aurora-master-abc123`,
        replicaRegions: home ? others : [],
      },
      queue: {
        queueUrl: `https://sqs.${region}.amazonaws.com/${acct}/shop-${cell}-work`,
        queueArn: `arn:aws:sqs:${region}:${acct}:shop-${cell}-work`,
        deadLetterQueueArn: `arn:aws:sqs:${region}:${acct}:shop-${cell}-work-dlq`,
      },
      events: {
        busName: `shop-${cell}-events`,
        busArn: `arn:aws:events:${region}:${acct}:event-bus/shop-${cell}-events`,
        archiveName: `shop-${cell}-events-archive`,
        topicArn: `arn:aws:sns:${region}:${acct}:shop-${cell}-events`,
        kinesisStreamArn: `arn:aws:kinesis:${region}:${acct}:stream/shop-${cell}-events`,
        firehoseArn: `arn:aws:firehose:${region}:${acct}:deliverystream/shop-${cell}-lake`,
        stateMachineArn: `arn:aws:states:${region}:${acct}:stateMachine:shop-${cell}-jobs`,
        deadLetterQueueArn: `arn:aws:sqs:${region}:${acct}:shop-${cell}-events-dlq`,
        lake: {
          bucketArn: `arn:aws:s3:::shop-${cell}-data-${acct}`,
          ...lakePrefixes("lake/", region),
        },
      },
      // Writer-only consumers (components/functions); the failover commands toggle them.
      functions: {
        consumers: [
          {
            name: "queue-consumer",
            functionName: `shop-${cell}-queue-consumer`,
            functionArn: `arn:aws:lambda:${region}:${acct}:function:shop-${cell}-queue-consumer`,
            eventSourceMappingUuid: `a0c1e5f0-${cell.padEnd(4, "0").slice(0, 4)}-4000-8000-000000000001`,
            sourceArn: `arn:aws:sqs:${region}:${acct}:shop-${cell}-work`,
            source: "sqs" as const,
            writerOnly: true,
          },
          {
            name: "stream-processor",
            functionName: `shop-${cell}-stream-processor`,
            functionArn: `arn:aws:lambda:${region}:${acct}:function:shop-${cell}-stream-processor`,
            eventSourceMappingUuid: `a0c1e5f0-${cell.padEnd(4, "0").slice(0, 4)}-4000-8000-000000000002`,
            sourceArn: `arn:aws:dynamodb:${region}:${acct}:table/shop-orders/stream/2026-01-01T00:00:00.000`,
            source: "dynamodb-stream" as const,
            writerOnly: true,
          },
        ],
      },
    },
    traffic: {
      hostedZoneId: "Z04912345EXAMPLE0DR",
      ttlSeconds: 30,
      healthCheck: {
        healthCheckId: `hc-https-${cell}`,
        writerHealthCheckId: `hc-writer-${cell}`,
        path: "/healthz",
        intervalSeconds: 10,
        failureThreshold: 3,
      },
      latencyRecord: { name: "api.shop.example.com", setIdentifier: cell },
      writerRecord: { name: "writer.shop.example.com", setIdentifier: cell },
      switch: {
        type: "cloudwatch-gate",
        namespace: "DR/TrafficSwitch",
        metricName: "WriterGate",
        dimensions: { App: "shop", Region: region },
        gateRegions,
        witnessRegions,
        quorum: Math.floor(gateRegions.length / 2) + 1,
        gates: gateRegions.map((r) => ({
          region: r,
          alarmName: `shop-writer-gate-${region}`,
          healthCheckId: `hc-gate-${cell}-${regionCode(r)}`,
          hostedBy: witnessRegions.includes(r) ? stackOf(region) : stackOf(r),
        })),
      },
      hostedGates: others.map((r) => ({
        forRegion: r,
        region,
        alarmName: `shop-writer-gate-${r}`,
        healthCheckId: `hc-gate-${regionCode(r)}-${cell}`,
      })),
    },
    capacity: { eksInstanceType: "m7i.large", eksDesiredNodes: 3, eksMaxNodes: 6 },
    deferred: [],
  };
}
