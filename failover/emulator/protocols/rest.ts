import { Codec, WireFault, WireRequest, WireResponse } from "../wire";
import { JsonObject, parseJson } from "./json";
import { document, errorDocument } from "./xml";

/**
 * The REST protocols: the operation is found by method and path (Kafka is REST-JSON, Route 53
 * REST-XML). A route's pattern captures the URI labels, which arrive percent-encoded.
 */

export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  /** Names of the pattern's capture groups, in order. */
  labels: string[];
}

export interface RestInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject;
}

function match(routes: Route[], req: WireRequest): { operation: string; input: RestInput } {
  for (const r of routes) {
    const m = req.method === r.method ? r.pattern.exec(req.path) : null;
    if (!m) continue;
    const labels: Record<string, string> = {};
    r.labels.forEach((name, i) => (labels[name] = decodeLabel(m[i + 1])));
    const body = req.method === "GET" || req.body.length === 0 ? {} : parseJson(req);
    return { operation: r.operation, input: { labels, query: req.query, body } };
  }
  return {
    operation: `${req.method} ${req.path}`,
    input: { labels: {}, query: req.query, body: {} },
  };
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new WireFault("BadRequestException", `the path segment '${raw}' is not URI-encoded`, 400);
  }
}

const notServed = (operation: string) =>
  new WireFault(
    "UnknownOperationException",
    `${operation} is not an operation the emulator serves`,
    404,
  );

/** REST-JSON: errors name their type in `x-amzn-errortype` and carry `message` in the body. */
export function restJsonCodec(routes: Route[]): Codec<RestInput, JsonObject> {
  return {
    decode: (req) => match(routes, req),
    ok: (_op, output, requestId) => restJsonReply(200, output, requestId),
    error(_op, fault, requestId) {
      const reply = restJsonReply(
        fault.status,
        { message: fault.message, ...fault.extra },
        requestId,
      );
      reply.headers["x-amzn-errortype"] = fault.code;
      return reply;
    },
    unknownOperation: notServed,
  };
}

function restJsonReply(status: number, body: unknown, requestId: string): WireResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
    body: JSON.stringify(body),
  };
}

/** REST-XML: `<OperationResponse xmlns>` replies, `<ErrorResponse>` errors. */
export function restXmlCodec(routes: Route[], xmlns: string): Codec<RestInput, string> {
  const reply = (status: number, body: string, requestId: string): WireResponse => ({
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body,
  });
  return {
    decode: (req) => match(routes, req),
    ok: (operation, body, requestId) =>
      reply(200, document(`${operation}Response`, xmlns, body), requestId),
    error: (_op, fault, requestId) =>
      reply(
        fault.status,
        errorDocument(
          xmlns,
          { type: fault.type, code: fault.code, message: fault.message },
          requestId,
        ),
        requestId,
      ),
    unknownOperation: notServed,
  };
}
