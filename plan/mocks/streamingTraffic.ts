import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of MSK, CloudWatch and Route 53. */
export const STREAMING_TRAFFIC_OUTPUTS: Record<string, OutputsFor> = {
  "aws:msk/cluster:Cluster": (r) => {
    const name = physicalName(r);
    const arn = `arn:aws:kafka:${r.region}:${MOCK_ACCOUNT_ID}:cluster/${name}/${stableHex(name, 8)}-${stableHex(r.region, 4)}-1`;
    const brokers = [1, 2, 3].map(
      (i) => `b-${i}.${name}.${stableHex(name, 6)}.c2.kafka.${r.region}.amazonaws.com:9098`,
    );
    return { id: arn, arn, bootstrapBrokersSaslIam: brokers.join(","), clusterName: name };
  },
  "aws:msk/replicator:Replicator": (r) => {
    const arn = `arn:aws:kafka:${r.region}:${MOCK_ACCOUNT_ID}:replicator/${physicalName(r)}/${stableHex(r.name, 8)}`;
    return { id: arn, arn };
  },
  "aws:route53/healthCheck:HealthCheck": (r) => ({
    id: `${stableHex(r.name, 8)}-${stableHex(r.name + "a", 4)}-${stableHex(r.name + "b", 4)}-${stableHex(r.name + "c", 4)}-${stableHex(r.name + "d", 12)}`,
  }),
};
