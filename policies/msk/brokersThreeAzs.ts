import { resourcePolicy } from "../lib/policy";
import { at, list, num, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskBrokersThreeAzs = resourcePolicy({
  name: "msk-brokers-three-azs",
  description:
    "MSK brokers are spread over at least 3 Availability Zones (3 client subnets, a multiple of 3 brokers). With 2 AZs, losing one leaves topics with replication factor 3 below min.insync.replicas and producers stop: one AZ turns into a regional failover.",
  enforcementLevel: "mandatory",
  types: [T.mskCluster],
  validate: ({ props }, _config, report) => {
    const subnets = list(at(props, "brokerNodeGroupInfo.clientSubnets"));
    if (subnets.length < 3) {
      report(
        `brokerNodeGroupInfo.clientSubnets has ${subnets.length} subnet(s); give it one subnet in each of 3 Availability Zones.`,
      );
    }
    const brokers = num(props.numberOfBrokerNodes);
    if (brokers === undefined || brokers < 3 || brokers % Math.max(subnets.length, 3) !== 0) {
      report(
        `numberOfBrokerNodes is ${shown(props.numberOfBrokerNodes)}; use a multiple of the number of AZs (at least 3).`,
      );
    }
  },
});
