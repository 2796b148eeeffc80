/**
 * An HTTP service that refuses writes with 503 and Retry-After when this region may not
 * write (docs/admission.md). Reads are never refused. Node's http module only.
 */
import * as http from "http";
import { WriteAdmission, WriteNotAdmittedError } from "../../admission";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Wraps `handler`: every non-read request is admitted first, or answered 503. */
export function admitWrites(
  admission: Pick<WriteAdmission, "admitOrThrow">,
  handler: Handler,
): http.RequestListener {
  return (req, res) => {
    const handle = async () => {
      if (!READS.has(req.method ?? "GET")) {
        try {
          await admission.admitOrThrow();
        } catch (e) {
          if (!(e instanceof WriteNotAdmittedError)) throw e;
          res.writeHead(503, {
            "Content-Type": "application/json",
            "Retry-After": String(e.retryAfterSeconds),
          });
          res.end(
            JSON.stringify({
              error: "this region does not accept writes now",
              reason: e.decision.reason,
            }),
          );
          return;
        }
      }
      await handler(req, res);
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`internal error: ${(e as Error).message}`);
    });
  };
}

/** Usage: `http.createServer(admitWrites(admission, orders)).listen(8080)`. */
export const orders: Handler = async (req, res) => {
  // ... the write itself: INSERT INTO orders ..., PutItem on shop-orders, produce to Kafka ...
  res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
  res.end("{}");
};
