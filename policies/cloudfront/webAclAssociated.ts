import { resourcePolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { T } from "../lib/types";

/** A WAFv2 web ACL of CLOUDFRONT scope: it lives in us-east-1 under `global/`. */
const CLOUDFRONT_WEB_ACL = /^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[\w-]+$/;

export const cloudfrontWebAclAssociated = resourcePolicy({
  name: "cloudfront-web-acl-associated",
  description:
    "The distribution has a WAFv2 web ACL of CLOUDFRONT scope. The edge is the one public door of every cell; during a failover the surviving cells take all traffic, and an unfiltered flood then lands on the last cells standing.",
  enforcementLevel: "mandatory",
  types: [T.distribution],
  validate: ({ props }, _config, report) => {
    const acl = str(props.webAclId);
    if (!acl) {
      report("webAclId is not set; associate the edge's WAFv2 web ACL (scope CLOUDFRONT).");
    } else if (!CLOUDFRONT_WEB_ACL.test(acl)) {
      report(
        `webAclId is ${shown(acl)}, not a WAFv2 web ACL of CLOUDFRONT scope (arn:aws:wafv2:us-east-1:<acct>:global/webacl/<name>/<id>); WAF Classic ids and regional ACLs do not protect a distribution.`,
      );
    }
  },
});
