import { z } from "zod";
import { MANIFEST_OUTPUT } from "../../manifest";
import type { ApiManifest } from "../../manifest/schema";
import { stackPolicy } from "../lib/policy";
import { ownManifest } from "../stack/ownManifest";
import { PEER_MANIFEST_CONFIG, peerManifestsOf } from "../stack/peerCellParity";

/** `writer: POST /orders (COGNITO_USER_POOLS, sqs)` per route, sorted. */
function routeTable(api: ApiManifest): string[] {
  return api.apis
    .flatMap((a) =>
      a.routes.map(
        (r) => `${a.role}: ${r.method} ${r.path} (${r.authorization}, ${r.integration})`,
      ),
    )
    .sort();
}

export const apigatewayRouteParity = stackPolicy({
  name: "apigateway-route-parity",
  description:
    "Every cell's API has the same routes, authorizers and integrations as its peers' (given their DR manifests as policy config). Latency routing and a failover send a client to any cell: a route one cell lacks is a 404 there, and only there.",
  enforcementLevel: "mandatory",
  config: z.strictObject({ ...PEER_MANIFEST_CONFIG }),
  validate: (stack, config, report, notApplicable) => {
    const own = ownManifest(stack);
    const m = own.kind === "valid" ? own.manifest : undefined;
    if (!m?.api) return notApplicable(`The stack's ${MANIFEST_OUTPUT} has no api section.`);
    const api = m.api;
    const peers = peerManifestsOf(config).filter((p) => p.region !== m.region);
    if (peers.length === 0) {
      notApplicable(
        "no peer manifests configured; pass them as apigateway-route-parity.peerManifests with --policy-pack-config",
      );
    }
    const ours = routeTable(api);
    for (const peer of peers) {
      if (!peer.api) {
        report(
          `${peer.stack}'s manifest has no api section; deploy the API layer there ('pulumi up -s ${peer.stack}') so every cell serves the same routes.`,
        );
        continue;
      }
      const theirs = routeTable(peer.api);
      const missing = ours.filter((r) => !theirs.includes(r));
      const extra = theirs.filter((r) => !ours.includes(r));
      if (missing.length > 0 || extra.length > 0) {
        report(
          `The API routes differ from ${peer.stack}'s: ${[
            ...missing.map((r) => `only here: ${r}`),
            ...extra.map((r) => `only in ${peer.stack}: ${r}`),
          ].join("; ")}. Deploy the same version of the program to every cell.`,
        );
      }
      if (!api.acceptedUserPoolArns.includes(peer.api.userPool.userPoolArn)) {
        report(
          `This cell's authorizers do not accept tokens from ${peer.stack}'s user pool (${peer.api.userPool.userPoolArn}); users signed in there are refused here after a failover. Run 'pulumi up' on this stack again.`,
        );
      }
    }
  },
});
