import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of Lambda (components/functions). */
export const FUNCTIONS_OUTPUTS: Record<string, OutputsFor> = {
  // Lambda ARNs use ':' before the name, not '/'.
  "aws:lambda/function:Function": (r) => ({
    arn: `arn:aws:lambda:${r.region}:${MOCK_ACCOUNT_ID}:function:${physicalName(r)}`,
    invokeArn: `arn:aws:apigateway:${r.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${r.region}:${MOCK_ACCOUNT_ID}:function:${physicalName(r)}/invocations`,
    qualifiedArn: `arn:aws:lambda:${r.region}:${MOCK_ACCOUNT_ID}:function:${physicalName(r)}:$LATEST`,
    version: "$LATEST",
  }),
  // The provider's id of a mapping is its UUID.
  "aws:lambda/eventSourceMapping:EventSourceMapping": (r) => {
    const h = stableHex(`${r.region}/${r.name}`, 32);
    const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    return {
      id: uuid,
      uuid,
      arn: `arn:aws:lambda:${r.region}:${MOCK_ACCOUNT_ID}:event-source-mapping:${uuid}`,
    };
  },
};
