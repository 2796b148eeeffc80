import { parseFaults } from "./faults";
import type { Emulator } from "./server";
import { WireResponse } from "./wire";

/**
 * The control API, under a path no AWS SDK uses and without SigV4:
 *   GET  /_emulator/requests[?since=SEQ]  the request record (oldest first)
 *   POST /_emulator/reset-requests         clears it
 *   GET  /_emulator/faults                 the fault set
 *   POST /_emulator/faults                 replaces it (body: a JSON list, as --faults)
 *   GET  /_emulator/state                  the simulated world (writer, control table, gates)
 */
export const ADMIN_PREFIX = "/_emulator/";

export async function admin(
  emulator: Emulator,
  method: string,
  url: URL,
  body: Buffer,
): Promise<WireResponse> {
  const route = `${method} ${url.pathname.slice(ADMIN_PREFIX.length)}`;
  switch (route) {
    case "GET requests": {
      const since = Number(url.searchParams.get("since") ?? 0);
      return json(200, { requests: emulator.log.list(Number.isFinite(since) ? since : 0) });
    }
    case "POST reset-requests":
      return json(200, { cleared: emulator.log.clear() });
    case "GET faults":
      return json(200, { now: emulator.seconds(), faults: emulator.faults.all() });
    case "POST faults": {
      let doc: unknown;
      try {
        doc = JSON.parse(body.toString("utf8") || "null");
      } catch (e) {
        return json(400, {
          error: `the body is not JSON (${(e as Error).message})`,
          issues: [{ key: "<body>", message: "send a JSON list of faults (docs/emulator.md)." }],
        });
      }
      const parsed = parseFaults(doc, emulator.targets());
      if ("issues" in parsed) {
        return json(400, { error: "the faults are invalid", issues: parsed.issues });
      }
      await emulator.setFaults(parsed.faults);
      return json(200, { now: emulator.seconds(), faults: emulator.faults.all() });
    }
    case "GET state":
      return json(200, emulator.state());
    default:
      return json(404, {
        error: `no admin route ${route}; try GET ${ADMIN_PREFIX}state, GET ${ADMIN_PREFIX}requests, POST ${ADMIN_PREFIX}reset-requests, GET or POST ${ADMIN_PREFIX}faults`,
      });
  }
}

function json(status: number, value: unknown): WireResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(value, null, 2),
  };
}
