import { DescribeReplicatorCommand, KafkaClient } from "@aws-sdk/client-kafka";
import { KafkaAdapter } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

export function awsKafka(settings: ClientSettings = {}): KafkaAdapter {
  const client = perRegion((region) => new KafkaClient(clientConfig(region, settings)));
  return {
    async describeReplicator(region, replicatorArn) {
      const out = await call(settings, "Kafka", "DescribeReplicator", region, (o) =>
        client(region).send(new DescribeReplicatorCommand({ ReplicatorArn: replicatorArn }), o),
      );
      const arnByAlias = new Map(
        (out.KafkaClusters ?? []).map((k) => [
          k.KafkaClusterAlias ?? "",
          k.AmazonMskCluster?.MskClusterArn ?? "",
        ]),
      );
      const infos = out.ReplicationInfoList ?? [];
      return {
        replicatorArn: out.ReplicatorArn ?? replicatorArn,
        replicatorName: out.ReplicatorName ?? "",
        state: out.ReplicatorState ?? "UNKNOWN",
        stateReason: out.StateInfo?.Message ?? out.StateInfo?.Code,
        sourceClusterArns: infos.map((i) => arnByAlias.get(i.SourceKafkaClusterAlias ?? "") ?? ""),
        targetClusterArns: infos.map((i) => arnByAlias.get(i.TargetKafkaClusterAlias ?? "") ?? ""),
      };
    },
  };
}
