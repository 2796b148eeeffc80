import { resourcePolicy } from "../lib/policy";
import { at, list, shown } from "../lib/props";
import { T } from "../lib/types";

export const mskReplicatorEnhancedOffsetSync = resourcePolicy({
  name: "msk-replicator-enhanced-offset-sync",
  description:
    "MSK replicators synchronise consumer-group offsets in ENHANCED mode, with identical topic names. LEGACY does not translate offsets back, so consumers that failed over cannot fail back without reprocessing or skipping; AWS requires the reverse replicator and identical names for ENHANCED, which is why a replicator stays LEGACY (reported here) until the peer replicates from this cell and the next `pulumi up`.",
  enforcementLevel: "advisory",
  types: [T.mskReplicator],
  validate: ({ props }, _config, report) => {
    const infos = list(props.replicationInfoList);
    const groups = infos.flatMap((i) => list(at(i, "consumerGroupReplications")));
    const identical = infos
      .flatMap((i) => list(at(i, "topicReplications")))
      .every((t) => at(t, "topicNameConfiguration.type") === "IDENTICAL");
    groups.forEach((g, i) => {
      const key = `replicationInfoList.consumerGroupReplications[${i}].consumerGroupOffsetSyncMode`;
      const mode = at(g, "consumerGroupOffsetSyncMode");
      if (mode !== "ENHANCED") {
        report(
          `${key} is ${shown(mode)} (AWS defaults to LEGACY): consumers can fail over to this cell but not back. ` +
            `It becomes "ENHANCED" on the \`pulumi up\` after the peer stack runs its replicator from this cell.`,
        );
      } else if (!identical) {
        report(
          `${key} is "ENHANCED" but a topicReplications entry does not use IDENTICAL topic names; AWS requires identical names for ENHANCED.`,
        );
      }
    });
  },
});
