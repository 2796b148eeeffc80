import { resourcePolicy } from "../lib/policy";
import { at, list, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskReplicatorIdenticalTopicNames = resourcePolicy({
  name: "msk-replicator-identical-topic-names",
  description:
    "MSK replicators keep topic names identical in the target cluster. Consumers fail over to the same topic names, and identical names let the two directions of replication avoid loops through record headers; prefixed names break both.",
  enforcementLevel: "mandatory",
  types: [T.mskReplicator],
  validate: ({ props }, _config, report) => {
    const infos = list(props.replicationInfoList);
    const topicReplications = infos.flatMap((i) => list(at(i, "topicReplications")));
    if (topicReplications.length === 0) {
      report("replicationInfoList.topicReplications is empty; replicate the cell's topics.");
    }
    topicReplications.forEach((t, i) => {
      const type = at(t, "topicNameConfiguration.type");
      if (type !== "IDENTICAL") {
        report(
          `replicationInfoList.topicReplications[${i}].topicNameConfiguration.type is ${shown(type)} (AWS defaults to PREFIXED_WITH_SOURCE_CLUSTER_ALIAS); set it to "IDENTICAL".`,
        );
      }
    });
  },
});
