import { GATE_ALARM } from "../components/traffic/switch";

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
  /** How writer traffic is switched (`dr:trafficSwitch.type`). Defaults to CloudWatch gates. */
  trafficSwitch?: "cloudwatch-gate" | "arc-routing-control";
}

export interface RtoBudget {
  /** Route 53 needs `threshold` consecutive failed checks, one per interval. */
  detectionSeconds: number;
  /** Resolvers may serve the old answer for up to one TTL after the record flips. */
  dnsTtlSeconds: number;
  promotionSeconds: number;
  /** Closing the old writer's switch, waiting for Route 53, then opening the target's. */
  writerSwitchSeconds: number;
  totalSeconds: number;
}

/**
 * After the old writer's switch reads closed, how long the commands wait for Route 53 to act
 * on it before opening the target, when they cannot ask Route 53 (a failover never calls its
 * us-east-1 API). AWS does not document how soon a CLOUDWATCH_METRIC or RECOVERY_CONTROL check
 * follows its alarm or control; the simulator's model takes 2-10 s, so this leaves room.
 */
export const SWITCH_PROPAGATION_MARGIN_SECONDS = 15;

/** A gate alarm acts at its next evaluation, at most one period plus CloudWatch's delay. */
const GATE_ACTS_SECONDS = GATE_ALARM.periodSeconds + 10;
/** An ARC routing control's check follows the control within seconds. */
const ARC_ACTS_SECONDS = 5;

/** How long one side of the writer move takes to act (a close, or an open). */
export function switchActsSeconds(type: RtoBudgetInput["trafficSwitch"]): number {
  return type === "arc-routing-control" ? ARC_ACTS_SECONDS : GATE_ACTS_SECONDS;
}

/** The worst case of the two-step writer move: close, Route 53 margin, open. */
export function writerSwitchSeconds(type: RtoBudgetInput["trafficSwitch"]): number {
  return 2 * switchActsSeconds(type) + SWITCH_PROPAGATION_MARGIN_SECONDS;
}

export function rtoBudget(input: RtoBudgetInput): RtoBudget {
  const detectionSeconds = input.healthCheckIntervalSeconds * input.healthCheckFailureThreshold;
  const switchSeconds = writerSwitchSeconds(input.trafficSwitch);
  // The writer move runs beside the promotion; detection and the TTL add to the slower one.
  const totalSeconds =
    detectionSeconds + Math.max(input.promotionSeconds, switchSeconds) + input.dnsTtlSeconds;
  return {
    detectionSeconds,
    dnsTtlSeconds: input.dnsTtlSeconds,
    promotionSeconds: input.promotionSeconds,
    writerSwitchSeconds: switchSeconds,
    totalSeconds,
  };
}
