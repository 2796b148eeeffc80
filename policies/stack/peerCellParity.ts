import * as path from "path";
import { z } from "zod";
import { cidrsOverlap, parseCidr } from "../../config/cidr";
import { DrManifest, MANIFEST_OUTPUT, parseManifest, readManifestFile } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { ownManifest } from "./ownManifest";

export const PEER_PARITY_POLICY = "peer-cell-parity";

/** The policy config keys that pass the peers' DR manifests (every cross-cell policy). */
export const PEER_MANIFEST_CONFIG = {
  peerManifests: z
    .array(z.unknown(), { error: "must be a list of DR manifests (pulumi stack output --json)." })
    .default([])
    .describe("Peer cells' DR manifests, or their `pulumi stack output --json` objects."),
  peerManifestFiles: z
    .array(z.string({ error: "must be a file path." }), {
      error: "must be a list of file paths.",
    })
    .default([])
    .describe(
      "Files holding peer DR manifests; relative paths are from the policy pack directory.",
    ),
};

/**
 * Reads the peer manifests of the policy config: inline (`peerManifests`, each a manifest or
 * the `pulumi stack output --json` object) and files (`peerManifestFiles`, relative paths from
 * the policy pack directory). Throws an InputValidationError naming the config key.
 */
export function peerManifestsOf(config: {
  peerManifests: unknown[];
  peerManifestFiles: string[];
}): DrManifest[] {
  return [
    ...config.peerManifests.map((m, i) =>
      parseManifest(m, `${PEER_PARITY_POLICY}.peerManifests[${i}]`),
    ),
    ...config.peerManifestFiles.map((f) => readManifestFile(path.resolve(f))),
  ];
}

type Diff = (what: string, fix: string) => void;

function compareCell(own: DrManifest, peer: DrManifest, ratio: number, diff: Diff): void {
  const same = (what: string, a: unknown, b: unknown, fix: string) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      diff(`${what}: this cell ${JSON.stringify(a)}, ${peer.stack} ${JSON.stringify(b)}`, fix);
    }
  };
  same("app", own.app, peer.app, "peers must be cells of the same app");
  same("homeRegion", own.homeRegion, peer.homeRegion, "set the same dr:homeRegion in every stack");

  const tables = (m: DrManifest) =>
    new Map(m.stores.dynamodb.map((t) => [t.tableName, `${t.partitionKey}/${t.sortKey ?? "-"}`]));
  const ours = tables(own);
  const theirs = tables(peer);
  for (const [name, keys] of ours) {
    if (!theirs.has(name))
      diff(`table ${name} is missing in ${peer.stack}`, "add it to dr:dynamodb.tables there");
    else if (theirs.get(name) !== keys)
      diff(
        `table ${name} keys differ: ${keys} here, ${theirs.get(name)} in ${peer.stack}`,
        "use the same partition and sort keys",
      );
  }
  for (const name of theirs.keys()) {
    if (!ours.has(name))
      diff(
        `table ${name} exists in ${peer.stack} but not here`,
        "add it to dr:dynamodb.tables in this stack",
      );
  }
  same(
    "controlTable",
    own.stores.controlTable?.tableName,
    peer.stores.controlTable?.tableName,
    "both cells must share the fence table",
  );

  same(
    "msk.topics",
    [...own.stores.msk.topics].sort(),
    [...peer.stores.msk.topics].sort(),
    "list the same dr:msk.topics in every stack",
  );
  same(
    "msk.kafkaVersion",
    own.stores.msk.kafkaVersion,
    peer.stores.msk.kafkaVersion,
    "run the same Kafka version",
  );
  same(
    "cache.engine",
    own.stores.cache.engine,
    peer.stores.cache.engine,
    "a global datastore needs one engine",
  );
  same(
    "cache.engineVersion",
    own.stores.cache.engineVersion,
    peer.stores.cache.engineVersion,
    "a global datastore needs one engine version",
  );
  if (own.stores.aurora && peer.stores.aurora) {
    same(
      "aurora.engine",
      own.stores.aurora.engine,
      peer.stores.aurora.engine,
      "set the same dr:aurora.engine",
    );
    same(
      "aurora.engineVersion",
      own.stores.aurora.engineVersion,
      peer.stores.aurora.engineVersion,
      "set the same dr:aurora.engineVersion; switchover refuses mismatched versions",
    );
    same(
      "aurora.globalClusterIdentifier",
      own.stores.aurora.globalClusterIdentifier,
      peer.stores.aurora.globalClusterIdentifier,
      "both cells must be members of the same global cluster",
    );
  }

  const a = parseCidr(own.network.cidr);
  const b = parseCidr(peer.network.cidr);
  if (a && b && cidrsOverlap(a, b)) {
    diff(
      `network.cidr ${own.network.cidr} overlaps ${peer.stack}'s ${peer.network.cidr}`,
      "give every cell its own block (dr:network.cidr)",
    );
  }

  // Capacity: the peer must absorb this cell's load after a failover.
  const atLeast = (what: string, mine: number, its: number) => {
    const need = Math.ceil(mine * ratio);
    if (its < need)
      diff(
        `${what}: ${peer.stack} has ${its}, needs at least ${need} (${ratio} x ${mine} here)`,
        "raise it there or lower capacityRatio",
      );
  };
  atLeast("eks desired nodes", own.capacity.eksDesiredNodes, peer.capacity.eksDesiredNodes);
  atLeast("msk brokers", own.stores.msk.brokers, peer.stores.msk.brokers);
  if (own.stores.aurora && peer.stores.aurora) {
    atLeast("aurora instances", own.stores.aurora.instances, peer.stores.aurora.instances);
  }
  if (ratio >= 1) {
    same(
      "eks instance type",
      own.capacity.eksInstanceType,
      peer.capacity.eksInstanceType,
      "use the same instance type, or set capacityRatio below 1 for a smaller standby",
    );
    same(
      "msk broker type",
      own.stores.msk.brokerInstanceType,
      peer.stores.msk.brokerInstanceType,
      "use the same broker type",
    );
    same(
      "cache node type",
      own.stores.cache.nodeType,
      peer.stores.cache.nodeType,
      "use the same node type",
    );
    if (own.stores.aurora && peer.stores.aurora) {
      same(
        "aurora instance class",
        own.stores.aurora.instanceClass,
        peer.stores.aurora.instanceClass,
        "use the same instance class",
      );
    }
  }
}

export const peerCellParity = stackPolicy({
  name: PEER_PARITY_POLICY,
  description:
    "The cell matches its peers, given their DR manifests as policy config: same tables, topics and caches, same engine versions, non-overlapping CIDRs and comparable capacity. CrossGuard cannot see another stack; a cell that differs from its peer fails over into something that cannot take its traffic or data.",
  enforcementLevel: "mandatory",
  config: z.strictObject({
    ...PEER_MANIFEST_CONFIG,
    capacityRatio: z
      .number({ error: "must be a number from 0 to 1." })
      .min(0, { error: "must be 0 or more." })
      .max(1, { error: "must be at most 1." })
      .default(1)
      .describe("Share of this cell's capacity each peer must have (1 = identical cells)."),
  }),
  validate: (stack, config, report, notApplicable) => {
    const peers = peerManifestsOf(config);
    if (peers.length === 0) {
      notApplicable(
        `no peer manifests configured; pass them as ${PEER_PARITY_POLICY}.peerManifests with --policy-pack-config`,
      );
    }
    const own = ownManifest(stack);
    if (own.kind !== "valid") {
      report(
        `Cannot compare with peers: the stack's ${MANIFEST_OUTPUT} output is ${own.kind}; see dr-manifest-complete.`,
      );
      return;
    }
    const m = own.manifest;
    for (const peer of peers) {
      if (peer.region === m.region) {
        report(
          `The peer manifest of ${peer.stack} is for this cell's own region ${m.region}; pass the other cells' manifests.`,
        );
        continue;
      }
      if (!m.peers.some((p) => p.region === peer.region)) {
        report(
          `${peer.stack} (${peer.region}) is not a peer of this cell (peers: ${m.peers.map((p) => `${p.stack} ${p.region}`).join(", ")}); add it to dr:peers or drop its manifest.`,
        );
        continue;
      }
      compareCell(m, peer, config.capacityRatio, (what, fix) =>
        report(`Cell ${m.stack} differs from ${peer.stack}: ${what}; ${fix}.`),
      );
    }
    for (const p of m.peers) {
      if (!peers.some((peer) => peer.region === p.region)) {
        report(
          `No manifest was given for peer ${p.stack} (${p.region}); add it to ${PEER_PARITY_POLICY}.peerManifests so parity is checked against every peer.`,
        );
      }
    }
  },
});
