/*
 * The fixed facts of the edge, shared by the component, its tests and the policy pack, so a
 * policy checks the same values the component sets.
 */

/** CloudFront's control plane, WAF's CLOUDFRONT scope and ACM for CloudFront live here only. */
export const CLOUDFRONT_CONTROL_REGION = "us-east-1";

/** The hosted zone every CloudFront distribution's alias target is in (Route 53's docs). */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/** AWS managed CloudFront policies (IDs from the CloudFront developer guide). */
export const MANAGED_POLICY = {
  /** Cache policy CachingDisabled: TTL 0, nothing in the cache key. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /**
   * Origin request policy AllViewerExceptHostHeader: every viewer header, cookie and query
   * string except Host, so the origin sees its own name and presents the certificate for it.
   */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** Origin ids inside the distribution. */
export const ORIGIN_ID = {
  /** The latency-routed service name: the nearest healthy cell. */
  service: "service",
  /** The writer name: the cell the failover commands made the writer. */
  writer: "writer",
  /** The origin group over both. */
  group: "service-then-writer",
} as const;

/** Origin responses that send a GET/HEAD/OPTIONS to the secondary origin. */
export const FAILOVER_STATUS_CODES = [500, 502, 503, 504] as const;

/** CloudFront retries an origin group's primary only for these methods (and fails over only them). */
export const READ_METHODS = ["GET", "HEAD", "OPTIONS"] as const;
export const CACHED_METHODS = ["GET", "HEAD"] as const;
/** CloudFront's only method set that includes writes. */
export const ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] as const;

/** CloudFront security policies with a TLS 1.2 or newer floor, newest first. */
export const VIEWER_TLS_POLICIES = [
  "TLSv1.3_2025",
  "TLSv1.2_2025",
  "TLSv1.2_2021",
  "TLSv1.2_2019",
] as const;
export type ViewerTlsPolicy = (typeof VIEWER_TLS_POLICIES)[number];

/** AWS managed rule groups on the web ACL, in priority order (a rate rule comes first). */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;
