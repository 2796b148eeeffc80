import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { StsAdapter } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

/** GetCallerIdentity on the regional STS endpoint (the global one lives in us-east-1). */
export function awsSts(settings: ClientSettings = {}): StsAdapter {
  const client = perRegion((region) => new STSClient(clientConfig(region, settings)));
  return {
    async callerIdentity(region) {
      const out = await call(settings, "STS", "GetCallerIdentity", region, (o) =>
        client(region).send(new GetCallerIdentityCommand({}), o),
      );
      return { account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "" };
    },
  };
}
