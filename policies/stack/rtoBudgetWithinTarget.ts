import { z } from "zod";
import { rtoBudget } from "../../budget/rto";
import { DR_TIER_NAMES, DR_TIERS, DrTier } from "../../config/tiers";
import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { num } from "../lib/props";
import { T } from "../lib/types";
import { detectionSeconds, ENDPOINT_CHECK_TYPES } from "../route53/healthCheckDetection";
import { isRouted } from "../route53/records";
import { ownManifest } from "./ownManifest";

const seconds = (what: string, min: number, max: number) =>
  z
    .number({ error: `must be a whole number of seconds from ${min} to ${max} (${what}).` })
    .int({ error: `must be a whole number of seconds from ${min} to ${max} (${what}).` })
    .min(min, { error: `must be at least ${min} (${what}).` })
    .max(max, { error: `must be at most ${max} (${what}).` });

/** The promotion time the config schema assumes when a stack says nothing (dr:aurora). */
const DEFAULT_PROMOTION_SECONDS = 120;

export const rtoBudgetWithinTarget = stackPolicy({
  name: "rto-budget-within-target",
  description:
    "The cell's RTO budget fits its tier's target: failure detection (health-check interval x threshold) + the slower of the database promotion and the writer switch (close, Route 53 margin, open) + DNS TTL, measured from the stack's own health checks and records. A budget over target means the promise in the tier cannot be met even when everything works.",
  enforcementLevel: "mandatory",
  config: z.strictObject({
    tier: z
      .enum(DR_TIER_NAMES as [DrTier, ...DrTier[]], {
        error: `must be one of ${DR_TIER_NAMES.join(", ")}.`,
      })
      .optional()
      .describe("Tier whose RTO target applies. Defaults to the tier in the drManifest."),
    rtoSeconds: seconds("RTO target", 30, 86400)
      .optional()
      .describe("RTO target in seconds; overrides the tier's. Defaults to the drManifest's."),
    promotionSeconds: seconds("database promotion estimate", 10, 3600)
      .optional()
      .describe("Promotion estimate in seconds. Defaults to the drManifest's budget, else 120."),
  }),
  validate: (stack, config, report) => {
    const own = ownManifest(stack);
    const manifest = own.kind === "valid" ? own.manifest : undefined;

    const checks = stack
      .ofType(T.healthCheck)
      .filter((h) => ENDPOINT_CHECK_TYPES.includes(String(h.props.type)));
    if (checks.length === 0) {
      report(
        "The stack has no HTTP, HTTPS or TCP Route 53 health check, so nothing detects a failed cell; add the cell's HTTPS health check.",
      );
      return;
    }
    const detection = Math.max(...checks.map((h) => detectionSeconds(h.props)));
    const ttls = stack
      .ofType(T.record)
      .filter((r) => isRouted(r.props))
      .map((r) => num(r.props.ttl))
      .filter((t): t is number => t !== undefined);
    const ttl = ttls.length > 0 ? Math.max(...ttls) : (manifest?.budget.dnsTtlSeconds ?? 60);
    const promotion =
      config.promotionSeconds ?? manifest?.budget.promotionSeconds ?? DEFAULT_PROMOTION_SECONDS;
    // The writer switch from the stack's own checks: an ARC routing control's, else gates.
    const arc = stack
      .ofType(T.healthCheck)
      .some((h) => String(h.props.type) === "RECOVERY_CONTROL");
    // rtoBudget wants interval and threshold; detection already is their product.
    const budget = rtoBudget({
      healthCheckIntervalSeconds: detection,
      healthCheckFailureThreshold: 1,
      dnsTtlSeconds: ttl,
      promotionSeconds: promotion,
      trafficSwitch: arc ? "arc-routing-control" : "cloudwatch-gate",
    });

    const tier = config.tier ?? (manifest?.targets.tier as DrTier | undefined);
    const target =
      config.rtoSeconds ??
      (config.tier ? DR_TIERS[config.tier].rtoSeconds : undefined) ??
      manifest?.targets.rtoSeconds ??
      (tier && DR_TIERS[tier] ? DR_TIERS[tier].rtoSeconds : DR_TIERS.tier1.rtoSeconds);
    const breakdown = `detection ${budget.detectionSeconds} s + the slower of promotion ${budget.promotionSeconds} s and writer switch ${budget.writerSwitchSeconds} s + DNS TTL ${budget.dnsTtlSeconds} s`;
    if (budget.totalSeconds > target) {
      report(
        `The RTO budget is ${budget.totalSeconds} s (${breakdown}), over the ${tier ?? "configured"} target of ${target} s; shorten the health-check interval or threshold, the TTL or the promotion estimate, or change the tier.`,
      );
    }
    if (manifest && manifest.budget.totalSeconds < budget.totalSeconds) {
      report(
        `${MANIFEST_OUTPUT}.budget.totalSeconds is ${manifest.budget.totalSeconds} s but the stack's resources give ${budget.totalSeconds} s (${breakdown}); the failover commands and drills would judge runs against the wrong budget. Derive the manifest's budget from the same settings.`,
      );
    }
  },
});
