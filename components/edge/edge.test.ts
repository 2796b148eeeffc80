import { strict as assert } from "assert";
import type * as aws from "@pulumi/aws";
import { Edge, EdgeArgs } from "./edge";
import { CLOUDFRONT_HOSTED_ZONE_ID, MANAGED_POLICY, ORIGIN_ID } from "./settings";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";

const DIST = "aws:cloudfront/distribution:Distribution";

/** The distribution's inputs as the provider receives them. */
interface DistributionInputs {
  origins: aws.types.output.cloudfront.DistributionOrigin[];
  originGroups: aws.types.output.cloudfront.DistributionOriginGroup[];
  defaultCacheBehavior: aws.types.output.cloudfront.DistributionDefaultCacheBehavior;
  orderedCacheBehaviors: aws.types.output.cloudfront.DistributionOrderedCacheBehavior[];
}

describe("components/edge Edge", () => {
  const base: EdgeArgs = {
    identity: { app: "shop", cell: "euw1", region: "eu-west-1" },
    hostedZoneId: "Z04912345EXAMPLE0DR",
    zoneName: "shop.example.com",
    serviceName: "api",
    writerName: "writer",
  };
  const render = (args: Partial<EdgeArgs> = {}) =>
    renderComponent(() => new Edge("e", { ...base, ...args }), { region: "eu-west-1" });

  it("reads go to the service name and fail over to the writer name on 5xx; writes go to the writer only", async () => {
    const r = await render();
    const d = oneOf(r, DIST).inputs as unknown as DistributionInputs;
    assert.deepEqual(
      d.origins.map((o) => [o.originId, o.domainName]),
      [
        [ORIGIN_ID.service, "api.shop.example.com"],
        [ORIGIN_ID.writer, "writer.shop.example.com"],
      ],
    );
    for (const o of d.origins) {
      assert.equal(o.customOriginConfig?.originProtocolPolicy, "https-only");
      assert.deepEqual(o.customOriginConfig?.originSslProtocols, ["TLSv1.2"]);
      // One 5 s try before failing over, not CloudFront's default 3 x 10 s.
      assert.equal(o.connectionAttempts! * o.connectionTimeout!, 5);
    }
    assert.deepEqual(d.originGroups, [
      {
        originId: ORIGIN_ID.group,
        failoverCriteria: { statusCodes: [500, 502, 503, 504] },
        members: [{ originId: ORIGIN_ID.service }, { originId: ORIGIN_ID.writer }],
      },
    ]);
    assert.equal(d.defaultCacheBehavior.targetOriginId, ORIGIN_ID.group);
    assert.deepEqual(d.defaultCacheBehavior.allowedMethods, ["GET", "HEAD", "OPTIONS"]);
    assert.equal(d.defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
    assert.equal(
      d.defaultCacheBehavior.originRequestPolicyId,
      MANAGED_POLICY.allViewerExceptHostHeader,
    );
    assert.equal(d.orderedCacheBehaviors.length, 1);
    const write = d.orderedCacheBehaviors[0];
    assert.equal(write.pathPattern, "/write/*");
    assert.equal(write.targetOriginId, ORIGIN_ID.writer);
    assert.ok(write.allowedMethods.includes("POST") && write.allowedMethods.includes("DELETE"));
    assert.equal(write.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // CachingDisabled
    assert.equal(write.viewerProtocolPolicy, "redirect-to-https");
  });

  it("creates the WAF web ACL and the certificate in us-east-1 from a stack in another region, and wires both", async () => {
    const r = await render();
    const acl = oneOf(r, "aws:wafv2/webAcl:WebAcl");
    const cert = oneOf(r, "aws:acm/certificate:Certificate");
    const validation = oneOf(r, "aws:acm/certificateValidation:CertificateValidation");
    assert.equal(acl.inputs.scope, "CLOUDFRONT");
    for (const x of [acl, cert, validation]) assert.equal(x.inputs.region, "us-east-1", x.name);
    assert.equal(r.resources.filter((x) => x.type.startsWith("pulumi:providers:")).length, 0);
    const d = oneOf(r, DIST);
    assert.equal(d.inputs.webAclId, acl.state.arn);
    assert.match(String(acl.state.arn), /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\//);
    const viewer = d.inputs.viewerCertificate as Record<string, unknown>;
    assert.equal(viewer.acmCertificateArn, validation.state.certificateArn);
    assert.equal(viewer.acmCertificateArn, cert.state.arn);
    assert.equal(viewer.sslSupportMethod, "sni-only");
    assert.equal(viewer.minimumProtocolVersion, "TLSv1.2_2021");
    assert.deepEqual(d.inputs.aliases, ["www.shop.example.com"]);
    assert.equal(cert.inputs.domainName, "www.shop.example.com");
    assert.equal(cert.inputs.validationMethod, "DNS");
    // The validation record is ACM's, in the stack's zone, and the validation waits for it.
    const rec = named(r, "e-certificateValidationRecord");
    const option = (cert.state.domainValidationOptions as Record<string, string>[])[0];
    assert.equal(rec.inputs.name, option.resourceRecordName);
    assert.deepEqual(rec.inputs.records, [option.resourceRecordValue]);
    assert.equal(rec.inputs.zoneId, base.hostedZoneId);
    assert.deepEqual(validation.inputs.validationRecordFqdns, [rec.state.fqdn]);
    for (const x of r.resources) assert.equal(x.registeredInApply, false, x.name);
  });

  it("aliases the edge name to the distribution with A and AAAA records in CloudFront's zone", async () => {
    const r = await render();
    const d = oneOf(r, DIST);
    const aliases = [named(r, "e-aliasA"), named(r, "e-aliasAAAA")];
    assert.deepEqual(
      aliases.map((a) => a.inputs.type),
      ["A", "AAAA"],
    );
    for (const a of aliases) {
      assert.equal(a.inputs.name, "www.shop.example.com");
      assert.deepEqual(a.inputs.aliases, [
        {
          name: d.state.domainName,
          zoneId: CLOUDFRONT_HOSTED_ZONE_ID,
          evaluateTargetHealth: false,
        },
      ]);
    }
    assert.equal(d.inputs.isIpv6Enabled, true);
  });

  it("a given us-east-1 certificate replaces the created one; Shield Advanced only when opted in", async () => {
    const arn =
      "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4222-8333-444455556666";
    const r = await render({ certificateArn: arn, shieldAdvanced: true, name: "cdn" });
    assert.equal(byType(r, "aws:acm/certificate:Certificate").length, 0);
    assert.equal(byType(r, "aws:acm/certificateValidation:CertificateValidation").length, 0);
    const d = oneOf(r, DIST);
    assert.equal((d.inputs.viewerCertificate as Record<string, unknown>).acmCertificateArn, arn);
    assert.deepEqual(d.inputs.aliases, ["cdn.shop.example.com"]);
    const shield = oneOf(r, "aws:shield/protection:Protection");
    assert.equal(shield.inputs.resourceArn, d.state.arn);
    const off = await render();
    assert.equal(byType(off, "aws:shield/protection:Protection").length, 0);
  });

  it("publishes its manifest section", async () => {
    let edge: Edge | undefined;
    const r = await renderComponent(() => (edge = new Edge("e", base)), { region: "us-east-1" });
    const m = await promiseOf(edge!.manifestEdge);
    const d = oneOf(r, DIST);
    assert.deepEqual(m, {
      name: "www.shop.example.com",
      distributionId: d.state.id,
      distributionArn: d.state.arn,
      distributionDomainName: d.state.domainName,
      webAclArn: oneOf(r, "aws:wafv2/webAcl:WebAcl").state.arn,
      certificateArn: oneOf(r, "aws:acm/certificate:Certificate").state.arn,
      primaryOrigin: "api.shop.example.com",
      secondaryOrigin: "writer.shop.example.com",
      shieldAdvanced: false,
    });
  });

  it("refuses an edge name that is one of its origins, a non-us-east-1 certificate and a catch-all write path", async () => {
    await assert.rejects(render({ name: "api" }), /edge name 'api' must differ/);
    await assert.rejects(
      render({ certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" }),
      /not an ACM certificate in us-east-1/,
    );
    await assert.rejects(render({ writePathPatterns: ["/*"] }), /must not match every path/);
  });
});
