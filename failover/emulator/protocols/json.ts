import { gunzipSync } from "zlib";
import { Codec, WireFault, WireRequest, WireResponse } from "../wire";

/**
 * awsJson1_0 (DynamoDB, CloudWatch, ARC's data plane): POST `/` with
 * `X-Amz-Target: <Prefix>.<Operation>` and a JSON body; errors are JSON with `__type`.
 * CloudWatch is awsQuery-compatible: its SDK reads the query-era error code from the
 * `x-amzn-query-error: Code;Sender` header, so that header is sent too.
 */

export type JsonObject = Record<string, unknown>;

export interface JsonProtocolOptions {
  /** The X-Amz-Target prefix, e.g. `DynamoDB_20120810`. */
  targetPrefix: string;
  /** The namespace in `__type`, e.g. `com.amazonaws.dynamodb.v20120810`. */
  errorNamespace: string;
  queryCompatible?: boolean;
}

export function jsonCodec(o: JsonProtocolOptions): Codec<JsonObject, JsonObject> {
  return {
    decode(req: WireRequest) {
      const target = header(req, "x-amz-target") ?? "";
      const dot = target.lastIndexOf(".");
      const operation = dot > 0 ? target.slice(dot + 1) : target || "?";
      if (target.slice(0, dot) !== o.targetPrefix) {
        throw new WireFault(
          "UnknownOperationException",
          `X-Amz-Target '${target}' does not name an operation of this service`,
          400,
        );
      }
      return { operation, input: parseJson(req) };
    },
    ok(_operation, output, requestId): WireResponse {
      return jsonReply(200, output, requestId);
    },
    error(_operation, fault, requestId) {
      const reply = jsonReply(
        fault.status,
        { __type: `${o.errorNamespace}#${fault.code}`, message: fault.message, ...fault.extra },
        requestId,
      );
      reply.headers["x-amzn-errortype"] = fault.code;
      if (o.queryCompatible) reply.headers["x-amzn-query-error"] = `${fault.code};${fault.type}`;
      return reply;
    },
    unknownOperation(operation) {
      return new WireFault(
        "UnknownOperationException",
        `The operation ${operation} is not served by the emulator`,
        400,
      );
    },
  };
}

/** The request body as a JSON object (gzip-decoded: CloudWatch compresses large puts). */
export function parseJson(req: WireRequest): JsonObject {
  let body = req.body;
  if (/gzip/i.test(header(req, "content-encoding") ?? "")) {
    try {
      body = gunzipSync(body);
    } catch {
      throw new WireFault("SerializationException", "the gzip body could not be decoded", 400);
    }
  }
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new WireFault("SerializationException", "the request body is not valid JSON", 400);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new WireFault("SerializationException", "the request body must be a JSON object", 400);
  }
  return value as JsonObject;
}

export function jsonReply(status: number, body: unknown, requestId: string): WireResponse {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId },
    body: JSON.stringify(body),
  };
}

export function header(req: WireRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
