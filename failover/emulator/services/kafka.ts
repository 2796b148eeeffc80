import { JsonObject } from "../protocols/json";
import { RestInput, restJsonCodec } from "../protocols/rest";
import { defineService } from "../wire";

/** MSK: DescribeReplicator (REST-JSON, camelCase members), from the simulator's MSK mesh. */
export const kafka = defineService<RestInput, JsonObject>({
  name: "kafka",
  codec: restJsonCodec([
    {
      method: "GET",
      pattern: /^\/replication\/v1\/replicators\/([^/]+)$/,
      operation: "DescribeReplicator",
      labels: ["replicatorArn"],
    },
  ]),
  throttle: { code: "TooManyRequestsException", status: 429 },
  errors: {
    NotFoundException: { status: 404 },
    BadRequestException: { status: 400 },
    InternalServerErrorException: { status: 500 },
    ServiceUnavailableException: { status: 503 },
    InternalFailure: { code: "InternalServerErrorException", status: 500 },
  },
  operations: {
    async DescribeReplicator(input, ctx) {
      const r = await ctx.adapters.kafka.describeReplicator(ctx.region, input.labels.replicatorArn);
      // Each cluster appears once, under an alias the replication entries refer to.
      const arns = [...new Set([...r.sourceClusterArns, ...r.targetClusterArns])];
      const alias = (arn: string) => `msk-${arn.split("/")[1] ?? arn}`;
      return {
        replicatorArn: r.replicatorArn,
        replicatorName: r.replicatorName,
        replicatorState: r.state,
        currentVersion: "K1",
        isReplicatorReference: false,
        serviceExecutionRoleArn: `arn:aws:iam::${ctx.account}:role/${r.replicatorName}`,
        kafkaClusters: arns.map((arn) => ({
          kafkaClusterAlias: alias(arn),
          amazonMskCluster: { mskClusterArn: arn },
        })),
        replicationInfoList: r.sourceClusterArns.map((src, i) => ({
          sourceKafkaClusterAlias: alias(src),
          targetKafkaClusterAlias: alias(r.targetClusterArns[i] ?? src),
          targetCompressionType: "NONE",
        })),
        ...(r.stateReason ? { stateInfo: { code: "ERROR", message: r.stateReason } } : {}),
      };
    },
  },
});
