import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

export const kmsKeyRotation = resourcePolicy({
  name: "kms-key-rotation",
  description:
    "KMS keys rotate their key material yearly. Rotation of a multi-Region primary propagates to its replicas, so one setting covers every region.",
  enforcementLevel: "advisory",
  types: [T.kmsKey],
  validate: ({ props }, _config, report) => {
    if (props.enableKeyRotation !== true) {
      report(
        `enableKeyRotation is ${shown(props.enableKeyRotation)}; set enableKeyRotation: true.`,
      );
    }
  },
});
