import { VIEWER_TLS_POLICIES } from "../../components/edge/settings";
import { resourcePolicy } from "../lib/policy";
import { at, list, shown, str } from "../lib/props";
import { T } from "../lib/types";

const HTTPS_ONLY = ["redirect-to-https", "https-only"];

export const cloudfrontViewerHttps = resourcePolicy({
  name: "cloudfront-viewer-https",
  description:
    "Viewers and origins speak HTTPS only: every behaviour redirects or refuses plain HTTP, the viewer certificate is the edge's own with a TLS 1.2+ policy, and every origin is https-only over TLS 1.2. A failover moves traffic between origins across the internet; none of it may travel in clear.",
  enforcementLevel: "mandatory",
  types: [T.distribution],
  validate: ({ props }, _config, report) => {
    const behaviours = [
      ["defaultCacheBehavior", props.defaultCacheBehavior],
      ...list(props.orderedCacheBehaviors).map(
        (b, i) => [`orderedCacheBehaviors[${i}]`, b] as const,
      ),
    ] as const;
    for (const [where, b] of behaviours) {
      const policy = str(at(b, "viewerProtocolPolicy"));
      if (!policy || !HTTPS_ONLY.includes(policy)) {
        report(
          `${where}.viewerProtocolPolicy is ${shown(policy)}; set it to redirect-to-https or https-only.`,
        );
      }
    }
    const viewer = props.viewerCertificate;
    const tls = str(at(viewer, "minimumProtocolVersion"));
    if (
      at(viewer, "cloudfrontDefaultCertificate") === true ||
      !str(at(viewer, "acmCertificateArn"))
    ) {
      report(
        "viewerCertificate is not the edge's ACM certificate; set acmCertificateArn (us-east-1) with sslSupportMethod sni-only (the default certificate allows TLS 1.0).",
      );
    } else if (!tls || !(VIEWER_TLS_POLICIES as readonly string[]).includes(tls)) {
      report(
        `viewerCertificate.minimumProtocolVersion is ${shown(tls)}; use ${VIEWER_TLS_POLICIES.join(", ")} (TLS 1.2 or newer).`,
      );
    }
    list(props.origins).forEach((o, i) => {
      const custom = at(o, "customOriginConfig");
      if (custom === undefined) return; // S3 / VPC origins: CloudFront signs its own requests.
      const protocol = str(at(custom, "originProtocolPolicy"));
      const ssl = list(at(custom, "originSslProtocols")).map(str);
      if (protocol !== "https-only") {
        report(
          `origins[${i}].customOriginConfig.originProtocolPolicy is ${shown(protocol)}; set https-only.`,
        );
      } else if (ssl.some((p) => p !== "TLSv1.2")) {
        report(
          `origins[${i}].customOriginConfig.originSslProtocols is ${shown(ssl)}; allow TLSv1.2 only.`,
        );
      }
    });
  },
});
