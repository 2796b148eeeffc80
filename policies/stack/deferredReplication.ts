import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { ownManifest } from "./ownManifest";

export const drDeferredReplication = stackPolicy({
  name: "dr-deferred-replication",
  description:
    "Reports replication the cell could not set up yet because a peer stack does not exist (first deploy). Until a second `pulumi up` after the peer deploys, those stores are not protected.",
  enforcementLevel: "advisory",
  validate: (stack, _config, report) => {
    const own = ownManifest(stack);
    if (own.kind !== "valid") return;
    for (const item of own.manifest.deferred) {
      report(
        `Deferred until the peer exists: ${item}. Run \`pulumi up\` on this stack again once the peer stack is deployed (${MANIFEST_OUTPUT}.deferred).`,
      );
    }
  },
});
