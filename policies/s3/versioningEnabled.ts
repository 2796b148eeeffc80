import { resourcePolicy } from "../lib/policy";
import { at, shown } from "../lib/props";
import { T } from "../lib/types";

export const s3VersioningEnabled = resourcePolicy({
  name: "s3-versioning-enabled",
  description:
    "S3 bucket versioning is Enabled. Replication requires it on both sides, and versions are what recovers an object after a replicated overwrite or delete.",
  enforcementLevel: "mandatory",
  types: [T.bucketVersioning, T.bucketVersioningV2],
  validate: ({ props }, _config, report) => {
    const status = at(props, "versioningConfiguration.status");
    if (status !== "Enabled") {
      report(`versioningConfiguration.status is ${shown(status)}; set it to "Enabled".`);
    }
  },
});
