import { resourcePolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { T } from "../lib/types";

export const elasticacheEncryptionInTransit = resourcePolicy({
  name: "elasticache-encryption-in-transit",
  description:
    "ElastiCache replication groups encrypt traffic in transit. Secondaries of a global datastore inherit it; changing it on an existing group replaces the group on older engines.",
  enforcementLevel: "advisory",
  types: [T.replicationGroup],
  validate: ({ props }, _config, report) => {
    const secondary = !!str(props.globalReplicationGroupId);
    const value = props.transitEncryptionEnabled;
    if (value === false || (value === undefined && !secondary)) {
      report(`transitEncryptionEnabled is ${shown(value)}; set transitEncryptionEnabled: true.`);
    }
  },
});
