import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeManifest } from "../../manifest/schema";
import { CellIdentity, cellTags, globalName } from "../naming";
import { recordName } from "../traffic/switch";
import {
  ALL_METHODS,
  CACHED_METHODS,
  CLOUDFRONT_CONTROL_REGION,
  CLOUDFRONT_HOSTED_ZONE_ID,
  FAILOVER_STATUS_CODES,
  MANAGED_POLICY,
  MANAGED_RULE_GROUPS,
  ORIGIN_ID,
  READ_METHODS,
  ViewerTlsPolicy,
} from "./settings";

export interface EdgeArgs {
  /** The home cell's identity: the edge is a global object, named after the app. */
  identity: CellIdentity;
  hostedZoneId: pulumi.Input<string>;
  /** The hosted zone's domain, e.g. `shop.example.com`. */
  zoneName: string;
  /** The edge's own name, relative to the zone. Defaults to "www". */
  name?: string;
  /** The latency-routed service name (relative): the primary origin. */
  serviceName: string;
  /** The weighted writer name (relative): the secondary origin and the target of writes. */
  writerName: string;
  /**
   * Path patterns that take writes (POST, PUT, PATCH, DELETE): routed to the writer origin,
   * never cached, never failed over. Defaults to ["/write/*"].
   */
  writePathPatterns?: string[];
  /**
   * An existing ACM certificate for the edge name, in us-east-1. Left out, the edge creates
   * one there and validates it with a DNS record in the hosted zone.
   */
  certificateArn?: string;
  /** Defaults to "PriceClass_All": every edge location, so no region's viewers lose the edge. */
  priceClass?: "PriceClass_All" | "PriceClass_200" | "PriceClass_100";
  /** Viewer TLS floor. Defaults to "TLSv1.2_2021". */
  minimumProtocolVersion?: ViewerTlsPolicy;
  /** Requests per client IP per 5 minutes before the web ACL blocks it. Defaults to 2000. */
  rateLimitPer5Minutes?: number;
  /**
   * Tries per origin before CloudFront gives up on it (1-3). Defaults to 1: with failover the
   * secondary is the better retry, and each try costs a full connection timeout.
   */
  originConnectionAttempts?: number;
  /** Seconds per connection try (1-10). Defaults to 5. */
  originConnectionTimeoutSeconds?: number;
  /**
   * Protect the distribution with Shield Advanced. The account must already be subscribed
   * (a one-year commitment this program never makes). Defaults to false.
   */
  shieldAdvanced?: boolean;
}

export interface EdgeOutputs {
  distribution: aws.cloudfront.Distribution;
  webAcl: aws.wafv2.WebAcl;
  /** Created only when `certificateArn` is left out. */
  certificate?: aws.acm.Certificate;
  certificateValidationRecord?: aws.route53.Record;
  certificateValidation?: aws.acm.CertificateValidation;
  aliasRecords: aws.route53.Record[];
  shieldProtection?: aws.shield.Protection;
  /** The edge's fully-qualified name. */
  edgeName: string;
  primaryOriginName: string;
  secondaryOriginName: string;
  /** The certificate the distribution presents. */
  certificateArn: pulumi.Output<string>;
}

/** Defaulted args: each default applied once, here. */
function withDefaults(args: EdgeArgs) {
  return {
    name: args.name ?? "www",
    writePathPatterns: args.writePathPatterns ?? ["/write/*"],
    priceClass: args.priceClass ?? "PriceClass_All",
    minimumProtocolVersion: args.minimumProtocolVersion ?? "TLSv1.2_2021",
    rateLimitPer5Minutes: args.rateLimitPer5Minutes ?? 2000,
    originConnectionAttempts: args.originConnectionAttempts ?? 1,
    originConnectionTimeoutSeconds: args.originConnectionTimeoutSeconds ?? 5,
    shieldAdvanced: args.shieldAdvanced ?? false,
  };
}

const ACM_US_EAST_1 = /^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

function validateArgs(args: EdgeArgs, d: ReturnType<typeof withDefaults>): void {
  const bad = (propertyPath: string, reason: string) => {
    throw new pulumi.InputPropertyError({ propertyPath, reason });
  };
  if (new Set([d.name, args.serviceName, args.writerName]).size !== 3) {
    bad(
      "name",
      `the edge name '${d.name}' must differ from the service name '${args.serviceName}' and the writer name '${args.writerName}': they are the edge's origins.`,
    );
  }
  if (args.certificateArn !== undefined && !ACM_US_EAST_1.test(args.certificateArn)) {
    bad(
      "certificateArn",
      `${args.certificateArn} is not an ACM certificate in us-east-1; CloudFront only uses certificates from us-east-1. Leave it unset to have the edge create one.`,
    );
  }
  d.writePathPatterns.forEach((p, i) => {
    if (!/^\/[\w\-./*?~]*$/.test(p) || p === "/*" || p === "*") {
      bad(
        `writePathPatterns[${i}]`,
        `'${p}' must be a CloudFront path pattern such as /write/* and must not match every path (reads need the default behaviour).`,
      );
    }
  });
}

/**
 * The global edge, owned by the home stack: a CloudFront distribution whose reads go to the
 * latency-routed service name and fail over to the writer name on 5xx or no answer, whose
 * writes go to the writer name only, a WAF web ACL (CLOUDFRONT scope, us-east-1), the edge
 * certificate (ACM, us-east-1, DNS-validated), A/AAAA aliases for the edge name and, opt-in,
 * Shield Advanced. Both origins are DNS names the cells' Route 53 records keep pointed at
 * healthy cells, so the edge needs no change when a cell fails or the writer moves.
 */
export function createEdge(name: string, args: EdgeArgs, parent: pulumi.Resource): EdgeOutputs {
  const d = withDefaults(args);
  validateArgs(args, d);
  const tags = cellTags(args.identity);
  const edgeName = recordName(d.name, args.zoneName);
  const primaryOriginName = recordName(args.serviceName, args.zoneName);
  const secondaryOriginName = recordName(args.writerName, args.zoneName);
  // WAF (CLOUDFRONT scope) and ACM for CloudFront exist only in us-east-1. The per-resource
  // region uses the stack's own credentials; an explicit provider would not read the stack's
  // `aws:` settings (profile, assumeRole) and would need them repeated.
  const inControlRegion = { region: CLOUDFRONT_CONTROL_REGION };

  let certificate: aws.acm.Certificate | undefined;
  let certificateValidationRecord: aws.route53.Record | undefined;
  let certificateValidation: aws.acm.CertificateValidation | undefined;
  let certificateArn: pulumi.Output<string>;
  if (args.certificateArn) {
    certificateArn = pulumi.output(args.certificateArn);
  } else {
    certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { ...inControlRegion, domainName: edgeName, validationMethod: "DNS", tags },
      { parent },
    );
    // One name, so exactly one validation record: registered here, its values are outputs.
    const option = certificate.domainValidationOptions.apply((o) => o[0]);
    certificateValidationRecord = new aws.route53.Record(
      `${name}-certificateValidationRecord`,
      {
        zoneId: args.hostedZoneId,
        name: option.apply((o) => o.resourceRecordName!),
        type: option.apply((o) => o.resourceRecordType!),
        records: [option.apply((o) => o.resourceRecordValue!)],
        ttl: 300,
        // ACM gives a re-created certificate for the same name the same record.
        allowOverwrite: true,
      },
      { parent },
    );
    certificateValidation = new aws.acm.CertificateValidation(
      `${name}-certificateValidation`,
      {
        ...inControlRegion,
        certificateArn: certificate.arn,
        validationRecordFqdns: [certificateValidationRecord.fqdn],
      },
      { parent },
    );
    certificateArn = certificateValidation.certificateArn;
  }

  const metricPrefix = globalName(args.identity.app, "edge");
  const visibility = (metric: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricPrefix}-${metric}`,
  });
  const webAcl = new aws.wafv2.WebAcl(
    `${name}-webAcl`,
    {
      ...inControlRegion,
      name: globalName(args.identity.app, "edge"),
      description: `Edge web ACL of ${args.identity.app}: IP reputation, common and known-bad-input rules, a per-IP rate limit.`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rules: [
        {
          name: "rate-limit-per-ip",
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: d.rateLimitPer5Minutes,
              evaluationWindowSec: 300,
              aggregateKeyType: "IP",
            },
          },
          visibilityConfig: visibility("rate-limit"),
        },
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
          visibilityConfig: visibility(group),
        })),
      ],
      visibilityConfig: visibility("acl"),
      tags,
    },
    { parent },
  );

  const origin = (originId: string, domainName: string) => ({
    originId,
    domainName,
    connectionAttempts: d.originConnectionAttempts,
    connectionTimeout: d.originConnectionTimeoutSeconds,
    customOriginConfig: {
      httpPort: 80,
      httpsPort: 443,
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
    },
  });
  const behaviour = {
    viewerProtocolPolicy: "redirect-to-https",
    compress: true,
    cachePolicyId: MANAGED_POLICY.cachingDisabled,
    originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
  };

  const distribution = new aws.cloudfront.Distribution(
    `${name}-distribution`,
    {
      enabled: true,
      comment: `${args.identity.app} edge: reads ${primaryOriginName} (fails over to ${secondaryOriginName}), writes ${secondaryOriginName}`,
      aliases: [edgeName],
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: d.priceClass,
      webAclId: webAcl.arn,
      origins: [
        origin(ORIGIN_ID.service, primaryOriginName),
        origin(ORIGIN_ID.writer, secondaryOriginName),
      ],
      originGroups: [
        {
          originId: ORIGIN_ID.group,
          failoverCriteria: { statusCodes: [...FAILOVER_STATUS_CODES] },
          members: [{ originId: ORIGIN_ID.service }, { originId: ORIGIN_ID.writer }],
        },
      ],
      // Reads: CloudFront fails over only GET/HEAD/OPTIONS and refuses writes on a behaviour
      // that targets an origin group.
      defaultCacheBehavior: {
        ...behaviour,
        targetOriginId: ORIGIN_ID.group,
        allowedMethods: [...READ_METHODS],
        cachedMethods: [...CACHED_METHODS],
      },
      // Writes: to the writer only, uncached; a failed write is the client's to retry.
      orderedCacheBehaviors: d.writePathPatterns.map((pathPattern) => ({
        ...behaviour,
        pathPattern,
        targetOriginId: ORIGIN_ID.writer,
        allowedMethods: [...ALL_METHODS],
        cachedMethods: [...CACHED_METHODS],
      })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: d.minimumProtocolVersion,
      },
      tags,
    },
    { parent },
  );

  const aliasRecords = (["A", "AAAA"] as const).map(
    (type) =>
      new aws.route53.Record(
        `${name}-alias${type}`,
        {
          zoneId: args.hostedZoneId,
          name: edgeName,
          type,
          // CloudFront's alias zone is fixed; the constant keeps it known at preview.
          aliases: [
            {
              name: distribution.domainName,
              zoneId: CLOUDFRONT_HOSTED_ZONE_ID,
              evaluateTargetHealth: false,
            },
          ],
        },
        { parent },
      ),
  );

  const shieldProtection = d.shieldAdvanced
    ? new aws.shield.Protection(
        `${name}-shieldProtection`,
        { name: globalName(args.identity.app, "edge"), resourceArn: distribution.arn, tags },
        { parent },
      )
    : undefined;

  return {
    distribution,
    webAcl,
    certificate,
    certificateValidationRecord,
    certificateValidation,
    aliasRecords,
    shieldProtection,
    edgeName,
    primaryOriginName,
    secondaryOriginName,
    certificateArn,
  };
}

/** The global edge: CloudFront, WAF, its certificate and alias records (home stack only). */
export class Edge extends pulumi.ComponentResource {
  readonly distributionId: pulumi.Output<string>;
  readonly distributionDomainName: pulumi.Output<string>;
  readonly webAclArn: pulumi.Output<string>;
  readonly edgeName: string;
  /** The manifest's `edge` section. */
  readonly manifestEdge: pulumi.Output<EdgeManifest>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:edge:Edge", name, {}, opts);
    const out = createEdge(name, args, this);
    this.distributionId = out.distribution.id;
    this.distributionDomainName = out.distribution.domainName;
    this.webAclArn = out.webAcl.arn;
    this.edgeName = out.edgeName;
    this.manifestEdge = pulumi
      .all([
        out.distribution.id,
        out.distribution.arn,
        out.distribution.domainName,
        out.webAcl.arn,
        out.certificateArn,
      ])
      .apply(([distributionId, distributionArn, distributionDomainName, webAclArn, cert]) => ({
        name: out.edgeName,
        distributionId,
        distributionArn,
        distributionDomainName,
        webAclArn,
        certificateArn: cert,
        primaryOrigin: out.primaryOriginName,
        secondaryOrigin: out.secondaryOriginName,
        shieldAdvanced: out.shieldProtection !== undefined,
      }));
    this.registerOutputs({
      distributionId: this.distributionId,
      distributionDomainName: this.distributionDomainName,
      webAclArn: this.webAclArn,
    });
  }
}
