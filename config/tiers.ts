/**
 * DR tiers and their recovery targets. A tier is what a service owner signs up for; the
 * targets drive the RTO budget check, the policy pack and the drill report.
 */
export const DR_TIERS = {
  /** Revenue-critical: minutes of downtime, seconds of data. */
  tier0: { rtoSeconds: 300, rpoSeconds: 5 },
  /** Important: a quarter of an hour, a minute of data. */
  tier1: { rtoSeconds: 900, rpoSeconds: 60 },
  /** Can wait: an hour, a quarter of an hour of data. */
  tier2: { rtoSeconds: 3600, rpoSeconds: 900 },
} as const;

export type DrTier = keyof typeof DR_TIERS;

export const DR_TIER_NAMES = Object.keys(DR_TIERS) as DrTier[];
