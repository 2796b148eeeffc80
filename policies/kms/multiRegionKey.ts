import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const kmsMultiRegionKey = resourcePolicy({
  name: "kms-multi-region-key",
  description:
    "KMS keys are multi-Region keys. Data encrypted in one region (replicated secrets, S3 objects, client-side envelopes) is decryptable in the peer region only through a replica of the same key.",
  enforcementLevel: "mandatory",
  types: [T.kmsKey],
  validate: ({ props }, _config, report) => {
    if (props.multiRegion !== true) {
      report(
        `multiRegion is ${shown(props.multiRegion)}; set multiRegion: true (it cannot be changed later) and add an aws.kms.ReplicaKey in each peer cell.`,
      );
    }
  },
});
