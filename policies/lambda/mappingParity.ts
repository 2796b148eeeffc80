import { z } from "zod";
import { MANIFEST_OUTPUT } from "../../manifest";
import type { DrManifest } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";
import { ownManifest } from "../stack/ownManifest";
import { PEER_MANIFEST_CONFIG, peerManifestsOf } from "../stack/peerCellParity";

export const LAMBDA_PARITY_POLICY = "lambda-mapping-parity";

const signature = (m: DrManifest) =>
  (m.stores.functions?.consumers ?? [])
    .map((c) => `${c.name} (${c.source}, ${c.writerOnly ? "writer-only" : "every cell"})`)
    .sort();

export const lambdaMappingParity = stackPolicy({
  name: LAMBDA_PARITY_POLICY,
  description:
    "Every event source mapping of the stack is in its DR manifest (stores.functions.consumers), and every cell has the same consumers as its peers (name, source, writer-only). The failover commands toggle only the mappings the manifests list: one missing there keeps running in the old writer, and a consumer a peer lacks stops existing after a failover.",
  enforcementLevel: "mandatory",
  config: z.strictObject({ ...PEER_MANIFEST_CONFIG }),
  validate: (stack, config, report) => {
    const own = ownManifest(stack);
    // Without a manifest there is nothing to compare a stack without mappings to, and
    // dr-manifest-complete already reports the manifest.
    if (own.kind !== "valid" && stack.ofType(T.eventSourceMapping).length === 0) return;
    if (own.kind !== "valid") {
      report(
        `Cannot check the consumers: the stack's ${MANIFEST_OUTPUT} output is ${own.kind}; see dr-manifest-complete.`,
      );
      return;
    }
    const m = own.manifest;
    const listed = new Set(
      (m.stores.functions?.consumers ?? []).map((c) => c.eventSourceMappingUuid),
    );
    const inStack = stack.ofType(T.eventSourceMapping);
    for (const r of inStack) {
      const uuid = str(r.props.uuid);
      if (!uuid || !listed.has(uuid)) {
        report(
          `The event source mapping ${r.name} (${uuid ?? "no uuid"}) is not in the manifest's stores.functions.consumers, so the failover commands never switch it; publish it there (components/functions).`,
          r,
        );
      }
    }
    const uuids = new Set(inStack.map((r) => str(r.props.uuid)));
    for (const c of m.stores.functions?.consumers ?? []) {
      if (!uuids.has(c.eventSourceMappingUuid)) {
        report(
          `The manifest lists the consumer ${c.name} (mapping ${c.eventSourceMappingUuid}), which is not in this stack; the failover commands would switch a mapping that does not exist. Run 'pulumi up' so the manifest matches.`,
        );
      }
    }
    const ours = signature(m);
    for (const peer of peerManifestsOf(config)) {
      if (peer.region === m.region) continue;
      if (!peer.stores.functions) {
        report(
          `The manifest of ${peer.stack} has no stores.functions (written before the functions layer); run 'pulumi up -s ${peer.stack}' so both cells have the same consumers.`,
        );
        continue;
      }
      const theirs = signature(peer);
      const missing = ours.filter((s) => !theirs.includes(s));
      const extra = theirs.filter((s) => !ours.includes(s));
      if (missing.length > 0 || extra.length > 0) {
        report(
          `Cell ${m.stack} and ${peer.stack} have different consumers: ` +
            [
              missing.length > 0 ? `only here: ${missing.join(", ")}` : "",
              extra.length > 0 ? `only in ${peer.stack}: ${extra.join(", ")}` : "",
            ]
              .filter(Boolean)
              .join("; ") +
            `; give every cell the same dr:functions.`,
        );
      }
    }
  },
});
