import { Edge } from "../../components/edge";
import { oneOf, renderComponent } from "../../testing";
import type { PolicyInput } from "../run";
import { changed } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { cloudfrontOriginFailover } from "./originFailover";
import { cloudfrontViewerHttps } from "./viewerHttps";
import { cloudfrontWebAclAssociated } from "./webAclAssociated";

describe("policies/cloudfront", function () {
  this.timeout(60_000);
  let rendered: PolicyInput;
  // The compliant fixture is the real edge component's distribution, as the program renders it.
  const distribution = () => structuredClone(rendered);

  before(async () => {
    const render = await renderComponent(
      () =>
        new Edge("shop-use1-edge", {
          identity: { app: "shop", cell: "use1", region: "us-east-1" },
          hostedZoneId: "Z04912345EXAMPLE0DR",
          zoneName: "shop.example.com",
          serviceName: "api",
          writerName: "writer",
        }),
    );
    const d = oneOf(render, T.distribution);
    rendered = { type: d.type, name: d.name, props: d.inputs, parent: d.parent };
  });

  it("cloudfront-origin-failover: reads target a two-origin group failing over on 500/502/503/504", () => {
    passes(cloudfrontOriginFailover, distribution());
    fails(
      cloudfrontOriginFailover,
      changed(distribution(), "originGroups", []),
      /has no originGroups; add one/,
    );
    fails(
      cloudfrontOriginFailover,
      changed(distribution(), "defaultCacheBehavior.targetOriginId", "service"),
      /targetOriginId is "service", not an origin group/,
    );
    fails(
      cloudfrontOriginFailover,
      changed(distribution(), "originGroups.0.failoverCriteria.statusCodes", [500, 502]),
      /does not fail over on 503, 504/,
    );
    fails(
      cloudfrontOriginFailover,
      changed(distribution(), "originGroups.0.members", [{ originId: "service" }]),
      /has 1 members; it needs two origins/,
    );
  });

  it("cloudfront-web-acl-associated: a WAFv2 web ACL of CLOUDFRONT scope", () => {
    passes(cloudfrontWebAclAssociated, distribution());
    fails(
      cloudfrontWebAclAssociated,
      changed(distribution(), "webAclId", undefined),
      /webAclId is not set/,
    );
    fails(
      cloudfrontWebAclAssociated,
      changed(
        distribution(),
        "webAclId",
        "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-edge/0a1b2c3d",
      ),
      /not a WAFv2 web ACL of CLOUDFRONT scope/,
    );
  });

  it("cloudfront-viewer-https: HTTPS to viewers (TLS 1.2+, own certificate) and to origins", () => {
    passes(cloudfrontViewerHttps, distribution());
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "defaultCacheBehavior.viewerProtocolPolicy", "allow-all"),
      /defaultCacheBehavior.viewerProtocolPolicy is "allow-all"/,
    );
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"),
      /orderedCacheBehaviors\[0\].viewerProtocolPolicy is "allow-all"/,
    );
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "viewerCertificate.minimumProtocolVersion", "TLSv1"),
      /minimumProtocolVersion is "TLSv1"; use TLSv1.3_2025/,
    );
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "viewerCertificate", { cloudfrontDefaultCertificate: true }),
      /viewerCertificate is not the edge's ACM certificate/,
    );
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "origins.1.customOriginConfig.originProtocolPolicy", "match-viewer"),
      /origins\[1\].customOriginConfig.originProtocolPolicy is "match-viewer"; set https-only/,
    );
    fails(
      cloudfrontViewerHttps,
      changed(distribution(), "origins.0.customOriginConfig.originSslProtocols", [
        "TLSv1",
        "TLSv1.2",
      ]),
      /originSslProtocols is \["TLSv1","TLSv1.2"\]; allow TLSv1.2 only/,
    );
  });
});
