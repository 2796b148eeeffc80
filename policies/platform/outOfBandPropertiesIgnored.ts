import { OUT_OF_BAND_PROPERTIES } from "../../components/switchover/outOfBand";
import { resourcePolicy } from "../lib/policy";

export const outOfBandPropertiesIgnored = resourcePolicy({
  name: "out-of-band-properties-ignored",
  description:
    "Properties that AWS changes during a switchover or failover (the global cluster's writer, a member's replication source, engine versions, the cache datastore's primary, a writer-only event source mapping's `enabled`) are in `ignoreChanges`. Otherwise the next `pulumi up` after a failover detaches a cluster, replaces the global cluster or fights the failover over who writes.",
  enforcementLevel: "mandatory",
  types: Object.keys(OUT_OF_BAND_PROPERTIES),
  validate: ({ type, opts }, _config, report) => {
    const ignored = new Set(opts.ignoreChanges);
    const missing = (OUT_OF_BAND_PROPERTIES[type] ?? []).filter((p) => !ignored.has(p));
    if (missing.length > 0) {
      report(
        `ignoreChanges lacks ${missing.join(", ")}; add them (use outOfBandProperties("${type}") from components/switchover).`,
      );
    }
  },
});
