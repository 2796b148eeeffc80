import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** The hosted zone id API Gateway's regional endpoints use, per region (AWS general reference). */
const API_GATEWAY_REGIONAL_ZONE: Record<string, string> = {
  "us-east-1": "Z1UJRXOUMOOFQ8",
  "eu-west-1": "ZLY8HYME6SFDD",
  "ap-southeast-1": "ZL327KTPIQFUL",
  "us-west-2": "Z2OJLYMUO9EFXC",
};

/** Computed outputs of API Gateway (REST) and Cognito. */
export const API_OUTPUTS: Record<string, OutputsFor> = {
  "aws:apigateway/restApi:RestApi": (r) => {
    const id = stableHex(`${r.region}/${r.name}`, 10);
    return {
      id,
      rootResourceId: stableHex(`${r.name}/root`, 10),
      arn: `arn:aws:apigateway:${r.region}::/restapis/${id}`,
      executionArn: `arn:aws:execute-api:${r.region}:${MOCK_ACCOUNT_ID}:${id}`,
    };
  },
  "aws:apigateway/resource:Resource": (r) => ({ id: stableHex(r.name, 6) }),
  "aws:apigateway/authorizer:Authorizer": (r) => ({ id: stableHex(r.name, 6) }),
  "aws:apigateway/deployment:Deployment": (r) => ({ id: stableHex(r.name, 6) }),
  "aws:apigateway/domainName:DomainName": (r) => ({
    id: physicalName(r),
    domainName: r.inputs.domainName,
    regionalDomainName: `d-${stableHex(`${r.region}/${r.name}`, 10)}.execute-api.${r.region}.amazonaws.com`,
    regionalZoneId: API_GATEWAY_REGIONAL_ZONE[r.region] ?? "Z0000000APIGW",
  }),
  "aws:cognito/userPool:UserPool": (r) => {
    const id = `${r.region}_${stableHex(r.name, 9)}`;
    return {
      id,
      arn: `arn:aws:cognito-idp:${r.region}:${MOCK_ACCOUNT_ID}:userpool/${id}`,
      endpoint: `cognito-idp.${r.region}.amazonaws.com/${id}`,
    };
  },
  "aws:cognito/userPoolClient:UserPoolClient": (r) => ({ id: stableHex(r.name, 26) }),
};
