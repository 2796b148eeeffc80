export { loadDrConfig, configKey, CONFIG_NAMESPACE } from "./load";
export type { DrConfig, CellRole, PeerCell } from "./load";
export { drConfigSchema } from "./schema";
export type { RawDrConfig, ParsedDrConfig } from "./schema";
export { readStackConfig, listStacks, stackConfigPath } from "./stackFile";
export { AWS_REGIONS, isAwsRegion, regionCode } from "./regions";
export { DR_TIERS, DR_TIER_NAMES } from "./tiers";
export type { DrTier } from "./tiers";
export { parseCidr, cidrsOverlap } from "./cidr";
