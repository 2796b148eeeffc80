import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** A uuid-shaped id AWS would generate, stable for a seed. */
function uuidFor(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Computed outputs of MSK, CloudWatch, SNS and Route 53. */
export const STREAMING_TRAFFIC_OUTPUTS: Record<string, OutputsFor> = {
  "aws:msk/cluster:Cluster": (r) => {
    const name = physicalName(r);
    // MSK appends "-<n>" (the cluster's incarnation) to the uuid in the ARN.
    const clusterUuid = `${uuidFor(`${r.region}/${name}`)}-1`;
    const arn = `arn:aws:kafka:${r.region}:${MOCK_ACCOUNT_ID}:cluster/${name}/${clusterUuid}`;
    const count = Number(r.inputs.numberOfBrokerNodes ?? 3) || 3;
    const host = `${name}.${stableHex(name, 6)}.c2.kafka.${r.region}.amazonaws.com`;
    const brokers = (port: number) =>
      Array.from({ length: count }, (_, i) => `b-${i + 1}.${host}:${port}`).join(",");
    return {
      id: arn,
      arn,
      clusterName: name,
      clusterUuid,
      currentVersion: `K${stableHex(arn, 13).toUpperCase()}`,
      bootstrapBrokersSaslIam: brokers(9098),
      bootstrapBrokersVpcConnectivitySaslIam: Array.from(
        { length: count },
        (_, i) => `b-${i + 1}.${host}:${14001 + i}`,
      ).join(","),
    };
  },
  "aws:msk/replicator:Replicator": (r) => {
    const arn = `arn:aws:kafka:${r.region}:${MOCK_ACCOUNT_ID}:replicator/${physicalName(r)}/${uuidFor(r.name)}`;
    return { id: arn, arn, currentVersion: "1" };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r) => {
    const name = physicalName(r);
    return { id: name, arn: `arn:aws:cloudwatch:${r.region}:${MOCK_ACCOUNT_ID}:alarm:${name}` };
  },
  "aws:cloudwatch/dashboard:Dashboard": (r) => {
    const name = String(r.inputs.dashboardName ?? r.name);
    return { id: name, dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${name}` };
  },
  "aws:sns/topic:Topic": (r) => {
    const arn = `arn:aws:sns:${r.region}:${MOCK_ACCOUNT_ID}:${physicalName(r)}`;
    return { id: arn, arn };
  },
  "aws:route53/healthCheck:HealthCheck": (r) => ({
    id: uuidFor(r.name),
  }),
  "aws:route53/record:Record": (r) => {
    const name = String(r.inputs.name ?? r.name);
    const id = [r.inputs.zoneId, name, r.inputs.type, r.inputs.setIdentifier]
      .filter((p) => p !== undefined && p !== "")
      .join("_");
    return { id, fqdn: name };
  },
};
