import { resourcePolicy } from "../lib/policy";
import { at, list, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskReplicatorSyncsConsumerOffsets = resourcePolicy({
  name: "msk-replicator-syncs-consumer-offsets",
  description:
    "MSK replicators copy consumer groups and synchronise their offsets. After a failover consumers resume in the peer region from the synced offsets; without them they start over (duplicates) or at the end (lost messages).",
  enforcementLevel: "mandatory",
  types: [T.mskReplicator],
  validate: ({ props }, _config, report) => {
    const infos = list(props.replicationInfoList);
    const groups = infos.flatMap((i) => list(at(i, "consumerGroupReplications")));
    if (groups.length === 0) {
      report(
        'replicationInfoList.consumerGroupReplications is empty; add one with consumerGroupsToReplicates: [".*"] and synchroniseConsumerGroupOffsets: true.',
      );
    }
    groups.forEach((g, i) => {
      const key = `replicationInfoList.consumerGroupReplications[${i}]`;
      if (at(g, "synchroniseConsumerGroupOffsets") !== true) {
        report(
          `${key}.synchroniseConsumerGroupOffsets is ${shown(at(g, "synchroniseConsumerGroupOffsets"))}; set it to true.`,
        );
      }
      if (list(at(g, "consumerGroupsToReplicates")).length === 0) {
        report(`${key}.consumerGroupsToReplicates is empty; list the groups (".*" for all).`);
      }
    });
  },
});
