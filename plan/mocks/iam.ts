import type { OutputsFor } from "./index";
import { MOCK_ACCOUNT_ID, physicalName, stableHex } from "./common";

/** Computed outputs of IAM, which every area uses. IAM is global: no region in its ARNs. */
export const IAM_OUTPUTS: Record<string, OutputsFor> = {
  "aws:iam/role:Role": (r) => ({
    name: physicalName(r),
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physicalName(r)}`,
    uniqueId: `AROA${stableHex(r.name, 17).toUpperCase()}`,
  }),
};
