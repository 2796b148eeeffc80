import { resourcePolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { T } from "../lib/types";

export const elasticacheEncryptionAtRest = resourcePolicy({
  name: "elasticache-encryption-at-rest",
  description:
    "ElastiCache replication groups encrypt data at rest. It is fixed at creation, and a global datastore's secondaries inherit it from the primary, so the home group decides for every region.",
  enforcementLevel: "advisory",
  types: [T.replicationGroup],
  validate: ({ props }, _config, report) => {
    const secondary = !!str(props.globalReplicationGroupId);
    const value = props.atRestEncryptionEnabled;
    // Valkey defaults to encrypted; a secondary inherits the primary's setting unless overridden.
    const defaulted = props.engine === "valkey" || secondary;
    if (value === false || (value === undefined && !defaulted)) {
      report(`atRestEncryptionEnabled is ${shown(value)}; set atRestEncryptionEnabled: true.`);
    }
  },
});
