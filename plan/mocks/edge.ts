import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

function uuidFor(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Computed outputs of the edge: CloudFront, WAFv2 (CLOUDFRONT scope), ACM and Shield. */
export const EDGE_OUTPUTS: Record<string, OutputsFor> = {
  "aws:cloudfront/distribution:Distribution": (r) => {
    const id = `E${stableHex(r.name, 13).toUpperCase()}`;
    return {
      id,
      arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${id}`,
      domainName: `d${stableHex(`${r.name}/domain`, 13)}.cloudfront.net`,
      // The one hosted zone of every distribution's alias target.
      hostedZoneId: "Z2FDTNDATAQYW2",
      status: "Deployed",
      etag: `E${stableHex(`${r.name}/etag`, 13).toUpperCase()}`,
    };
  },
  "aws:wafv2/webAcl:WebAcl": (r) => {
    const id = uuidFor(r.name);
    const scope = r.inputs.scope === "CLOUDFRONT" ? "global" : "regional";
    return {
      id,
      arn: `arn:aws:wafv2:${r.region}:${MOCK_ACCOUNT_ID}:${scope}/webacl/${physicalName(r)}/${id}`,
      capacity: 927,
      lockToken: uuidFor(`${r.name}/lock`),
    };
  },
  "aws:acm/certificate:Certificate": (r) => {
    const id = uuidFor(r.name);
    const domainName = String(r.inputs.domainName ?? r.name);
    const token = stableHex(domainName, 32);
    return {
      id: `arn:aws:acm:${r.region}:${MOCK_ACCOUNT_ID}:certificate/${id}`,
      arn: `arn:aws:acm:${r.region}:${MOCK_ACCOUNT_ID}:certificate/${id}`,
      status: "PENDING_VALIDATION",
      domainValidationOptions: [
        {
          domainName,
          resourceRecordName: `_${token}.${domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${stableHex(`${domainName}/value`, 32)}.xlfgrmvvlj.acm-validations.aws.`,
        },
      ],
    };
  },
  "aws:acm/certificateValidation:CertificateValidation": (r) => ({
    id: "2026-01-01 00:00:00 +0000 UTC",
    certificateArn: r.inputs.certificateArn,
  }),
  "aws:shield/protection:Protection": (r) => {
    const id = uuidFor(r.name);
    return { id, arn: `arn:aws:shield::${MOCK_ACCOUNT_ID}:protection/${id}` };
  },
};
