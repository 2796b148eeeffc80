/**
 * The RTO budget of a cell: how long, at worst, from a region failing to clients writing in
 * the new region, when every piece takes its configured time. Pure so that the config
 * validator, the offline plan, the policy pack and the drill report all agree on it.
 */
export interface RtoBudgetInput {
  healthCheckIntervalSeconds: number;
  healthCheckFailureThreshold: number;
  dnsTtlSeconds: number;
  /** Time for the database promotion (Aurora global failover), the slowest store. */
  promotionSeconds: number;
}

export interface RtoBudget {
  /** Route 53 needs `threshold` consecutive failed checks, one per interval. */
  detectionSeconds: number;
  /** Resolvers may serve the old answer for up to one TTL after the record flips. */
  dnsTtlSeconds: number;
  promotionSeconds: number;
  totalSeconds: number;
}

export function rtoBudget(input: RtoBudgetInput): RtoBudget {
  const detectionSeconds = input.healthCheckIntervalSeconds * input.healthCheckFailureThreshold;
  // Detection and promotion overlap in a real run, but the budget is the conservative sum.
  const totalSeconds = detectionSeconds + input.dnsTtlSeconds + input.promotionSeconds;
  return {
    detectionSeconds,
    dnsTtlSeconds: input.dnsTtlSeconds,
    promotionSeconds: input.promotionSeconds,
    totalSeconds,
  };
}
