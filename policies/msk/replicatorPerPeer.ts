import { parseMskClusterArn } from "../../components/msk/replication";
import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { at, list, str } from "../lib/props";
import { T } from "../lib/types";
import { ownManifest } from "../stack/ownManifest";

export const mskReplicatorPerPeer = stackPolicy({
  name: "msk-replicator-per-peer",
  description:
    "A cell runs exactly one MSK replicator from each peer cell (N-1 in a deployment of N), unless the manifest defers it because the peer is not deployed yet. Each cell copies the others' Kafka records into itself; a missing replicator means records written in that peer never reach this cell, and a second one copies them twice.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const own = ownManifest(stack);
    if (own.kind !== "valid")
      return notApplicable(`The stack has no valid ${MANIFEST_OUTPUT} output.`);
    const m = own.manifest;
    const bySource = new Map<string, (typeof stack.resources)[number][]>();
    for (const r of stack.ofType(T.mskReplicator)) {
      for (const info of list(r.props.replicationInfoList)) {
        const region = parseMskClusterArn(str(at(info, "sourceKafkaClusterArn")) ?? "")?.region;
        if (!region) continue; // unknown at preview: nothing to check yet
        bySource.set(region, [...(bySource.get(region) ?? []), r]);
      }
    }
    for (const peer of m.peers) {
      const found = bySource.get(peer.region) ?? [];
      const deferred = m.deferred.some(
        (d) => /MSK Replicator/i.test(d) && (d.includes(peer.region) || d.includes(peer.stack)),
      );
      if (found.length === 0 && !deferred) {
        report(
          `No MSK replicator pulls from ${peer.region} (${peer.stack}): Kafka records written there never reach this cell. ` +
            `Pass every peer to StreamingCell (peers), or list the replicator in ${MANIFEST_OUTPUT}.deferred while ${peer.stack} is not deployed.`,
        );
      }
      for (const extra of found.slice(1)) {
        report(
          `A second MSK replicator pulls from ${peer.region} (${peer.stack}); keep one per peer, or records are copied twice.`,
          extra,
        );
      }
    }
    const peerRegions = new Set(m.peers.map((p) => p.region));
    for (const [region, resources] of bySource) {
      if (peerRegions.has(region)) continue;
      for (const r of resources) {
        report(
          `This MSK replicator pulls from ${region}, which is not a peer of this cell (${[...peerRegions].join(", ")}); add the cell to dr:peers or remove the replicator.`,
          r,
        );
      }
    }
  },
});
