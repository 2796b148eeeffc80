import type { CellIdentity } from "../naming";

/*
 * What the health path reflects (AWS Builders' Library, "Implementing health checks").
 *
 * One path, answered by the cell service itself, probed twice:
 *   - by the ALB target group, per pod, every 10 s: a shallow liveness check. The handler
 *     calls no dependency, so a slow or failed database cannot take every pod out of the
 *     target group at once (the Builders' Library's fleet-wide failure of deep checks).
 *   - by Route 53's HTTPS check, per cell, through DNS, the ALB's TLS listener and the target
 *     group to one pod. Its depth comes from that route, not from the handler: it fails when
 *     the cell cannot take requests at all (load balancer gone, certificate broken, no pod
 *     registered or answering), and never because a store is slow. A slow or lost database is
 *     the failover commands' decision (replication lag, RPO estimate, an operator), not DNS's.
 *
 * Both layers fail open as well: an ALB whose targets are all unhealthy sends to all of them,
 * and Route 53 answers every record when all of a name's records are unhealthy.
 */

/** The default health path, shared by the target group, the Route 53 check and the pods. */
export const DEFAULT_HEALTH_CHECK_PATH = "/healthz";

/** The body the health path answers with; Route 53 string matching may look for it. */
export const HEALTH_BODY = "ok";

/**
 * The cell service's nginx server block: the health path answered from memory, `/` answering
 * which cell served (drills and operators check where DNS sent them), everything else 404.
 * Pure, so tests read exactly what the pods run.
 */
export function cellServiceNginxConfig(opts: {
  identity: CellIdentity;
  healthCheckPath: string;
  port: number;
}): string {
  const { identity, healthCheckPath, port } = opts;
  const whoami = JSON.stringify({
    app: identity.app,
    cell: identity.cell,
    region: identity.region,
  });
  return [
    "server {",
    `  listen ${port};`,
    "  server_tokens off;",
    "  # Shallow on purpose: answered from memory. See components/workload/health.ts.",
    `  location = ${healthCheckPath} {`,
    "    access_log off;",
    "    default_type text/plain;",
    `    return 200 "${HEALTH_BODY}\\n";`,
    "  }",
    // A health path of "/" takes the root; nginx refuses two identical exact locations.
    ...(healthCheckPath === "/"
      ? []
      : [
          "  location = / {",
          "    default_type application/json;",
          `    return 200 '${whoami}\\n';`,
          "  }",
        ]),
    "  location / {",
    "    return 404;",
    "  }",
    "}",
    "",
  ].join("\n");
}
