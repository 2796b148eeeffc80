import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { Route53Adapter } from "../types";
import { call, clientConfig, ClientSettings, tracked } from "./client";

/**
 * Health-check status reads only. Route 53's API is global (served from us-east-1), so the
 * runbooks call it on planned runs and in `status`, never during `failover`.
 */
export function awsRoute53(settings: ClientSettings = {}): Route53Adapter {
  let client: Route53Client | undefined;
  return {
    async healthCheckStatus(healthCheckId) {
      client ??= tracked(new Route53Client(clientConfig("us-east-1", settings)));
      const c = client;
      const out = await call(settings, "Route53", "GetHealthCheckStatus", undefined, (o) =>
        c.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), o),
      );
      const reports = out.HealthCheckObservations ?? [];
      const healthy = reports.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
      return {
        healthCheckId,
        // Route 53's own rule: healthy when more than 18% of checkers say so.
        healthy: reports.length > 0 && healthy / reports.length > 0.18,
        checkersReporting: reports.length,
        checkersHealthy: healthy,
      };
    },
  };
}
