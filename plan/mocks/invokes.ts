import { MOCK_ACCOUNT_ID } from "./common";

/** Invokes the offline render answers; any other invoke fails the render. */
export const INVOKES: Record<
  string,
  (inputs: Record<string, unknown>, region: string) => Record<string, unknown>
> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-plan`,
    userId: "AIDAOFFLINEPLAN",
    id: MOCK_ACCOUNT_ID,
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    id: "aws",
  }),
  "aws:index/getRegion:getRegion": (inputs, region) => ({
    name: String(inputs.region ?? region),
    region: String(inputs.region ?? region),
    id: String(inputs.region ?? region),
  }),
  // The stream of a table's replica in this region (components/functions reads it for the
  // stream processor's mapping).
  "aws:dynamodb/getTable:getTable": (inputs, region) => {
    const name = String(inputs.name);
    const arn = `arn:aws:dynamodb:${region}:${MOCK_ACCOUNT_ID}:table/${name}`;
    return {
      id: name,
      name,
      arn,
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      streamLabel: "2026-01-01T00:00:00.000",
      streamArn: `${arn}/stream/2026-01-01T00:00:00.000`,
    };
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs, region) => {
    const r = String(inputs.region ?? region);
    return {
      names: ["a", "b", "c", "d"].map((s) => `${r}${s}`),
      zoneIds: [1, 2, 3, 4].map((i) => `${r.replace(/-/g, "")}-az${i}`),
      id: r,
    };
  },
};
