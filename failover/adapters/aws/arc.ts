import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from "@aws-sdk/client-route53-recovery-cluster";
import { AdapterError, ArcAdapter, ArcEndpoint } from "../types";
import { call, clientConfig, ClientSettings, tracked } from "./client";
import { classify } from "./errors";

/**
 * ARC routing controls through the cluster's data-plane endpoints only. AWS's guidance: try
 * the endpoints in turn until one answers. The start is random so that many operators (or
 * retries) do not all hammer the first endpoint; endpoints in `avoidRegions` (the failed
 * region) are never tried.
 */
export function awsArc(
  endpoints: ArcEndpoint[],
  settings: ClientSettings = {},
  /** A number in [0, 1) that picks the first endpoint; tests pin it. */
  random: () => number = Math.random,
): ArcAdapter {
  const clients = new Map<string, Route53RecoveryClusterClient>();
  const clientFor = (e: ArcEndpoint) => {
    let c = clients.get(e.url);
    if (!c) {
      c = tracked(
        new Route53RecoveryClusterClient({ ...clientConfig(e.region, settings), endpoint: e.url }),
      );
      clients.set(e.url, c);
    }
    return c;
  };

  const rotate = async <T>(
    operation: string,
    avoid: string[] | undefined,
    fn: (c: Route53RecoveryClusterClient, o: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> => {
    const usable = endpoints.filter((e) => !(avoid ?? []).includes(e.region));
    if (usable.length === 0) {
      throw new AdapterError(
        "validation",
        "ARC",
        operation,
        undefined,
        `no ARC cluster endpoint outside ${(avoid ?? []).join(", ") || "the avoided regions"}; pass --arc-endpoints with the cluster's endpoints.`,
      );
    }
    const start = Math.floor(random() * usable.length);
    let last: AdapterError | undefined;
    for (let i = 0; i < usable.length; i++) {
      const e = usable[(start + i) % usable.length];
      try {
        return await call(settings, "ARC", operation, e.region, (o) => fn(clientFor(e), o));
      } catch (error) {
        last = error as AdapterError;
        // Only an endpoint problem (unreachable, reset, TLS, timeout, 5xx) moves on to the
        // next endpoint; a refusal is final.
        if (classify(error) !== "transient") throw last;
      }
    }
    throw new AdapterError(
      "transient",
      "ARC",
      operation,
      undefined,
      `every ARC endpoint failed (${usable.map((e) => e.region).join(", ")}); last: ${last?.message}`,
      last?.awsName,
      { cause: last },
    );
  };

  return {
    async getRoutingControlState(routingControlArn, options) {
      const out = await rotate("GetRoutingControlState", options?.avoidRegions, (c, o) =>
        c.send(new GetRoutingControlStateCommand({ RoutingControlArn: routingControlArn }), o),
      );
      return out.RoutingControlState === "On" ? "On" : "Off";
    },
    async updateRoutingControlStates(updates, options) {
      await rotate("UpdateRoutingControlStates", options?.avoidRegions, (c, o) =>
        c.send(
          new UpdateRoutingControlStatesCommand({
            UpdateRoutingControlStateEntries: updates.map((u) => ({
              RoutingControlArn: u.routingControlArn,
              RoutingControlState: u.state,
            })),
            ...(options?.safetyRulesToOverride?.length
              ? { SafetyRulesToOverride: options.safetyRulesToOverride }
              : {}),
          }),
          o,
        ),
      );
    },
  };
}
