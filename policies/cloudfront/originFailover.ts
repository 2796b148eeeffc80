import { resourcePolicy } from "../lib/policy";
import { at, list, num, shown, str } from "../lib/props";
import { T } from "../lib/types";

/** The origin responses a dead or failing cell gives: each must send a read to the secondary. */
const REQUIRED_CODES = [500, 502, 503, 504];

export const cloudfrontOriginFailover = resourcePolicy({
  name: "cloudfront-origin-failover",
  description:
    "The distribution's default behaviour targets an origin group of two origins that fails over on 500, 502, 503 and 504. Without it a viewer whose nearest cell fails gets errors until Route 53 stops answering that cell (health-check threshold plus TTL), instead of a retry on the second origin.",
  enforcementLevel: "mandatory",
  types: [T.distribution],
  validate: ({ props }, _config, report) => {
    const groups = list(props.originGroups);
    const target = str(at(props.defaultCacheBehavior, "targetOriginId"));
    const group = groups.find((g) => str(at(g, "originId")) === target);
    if (!group) {
      report(
        groups.length === 0
          ? "has no originGroups; add one with the service origin first and a second origin, and point defaultCacheBehavior.targetOriginId at it."
          : `defaultCacheBehavior.targetOriginId is ${shown(target)}, not an origin group; point it at the origin group so reads fail over.`,
      );
      return;
    }
    const members = list(at(group, "members"));
    if (members.length !== 2) {
      report(`origin group ${shown(target)} has ${members.length} members; it needs two origins.`);
      return;
    }
    const codes = list(at(group, "failoverCriteria.statusCodes")).map(num);
    const missing = REQUIRED_CODES.filter((c) => !codes.includes(c));
    if (missing.length > 0) {
      report(
        `origin group ${shown(target)} does not fail over on ${missing.join(", ")}; set failoverCriteria.statusCodes to include ${REQUIRED_CODES.join(", ")}.`,
      );
    }
  },
});
