import { resourcePolicy } from "../lib/policy";
import { shown } from "../lib/props";
import { T } from "../lib/types";

const SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const s3BlockPublicAccess = resourcePolicy({
  name: "s3-block-public-access",
  description:
    "S3 public access blocks turn on all four settings. Replication multiplies every copy of the data; a public bucket exposes all of them.",
  enforcementLevel: "mandatory",
  types: [T.bucketPublicAccessBlock],
  validate: ({ props }, _config, report) => {
    const off = SETTINGS.filter((s) => props[s] !== true);
    if (off.length > 0) {
      report(
        `${off.map((s) => `${s} is ${shown(props[s])}`).join(", ")}; set all four of ${SETTINGS.join(", ")} to true.`,
      );
    }
  },
});
