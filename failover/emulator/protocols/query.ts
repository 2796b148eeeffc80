import { Codec, WireFault, WireRequest, WireResponse } from "../wire";
import { document, el, errorDocument, leaf } from "./xml";

/**
 * awsQuery (STS, RDS, ElastiCache): form-encoded POST with `Action` and `Version`, XML
 * replies wrapped in `<ActionResponse><ActionResult>` with ResponseMetadata, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>`.
 */

/** The request's parameters (`Name=value`, lists as `Name.member.N`). */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  get(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** A required parameter: AWS answers ValidationError naming it when it is missing. */
  required(name: string): string {
    const v = this.get(name);
    if (v === undefined || v === "") {
      throw new WireFault(
        "ValidationError",
        `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
        400,
      );
    }
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : v.toLowerCase() === "true";
  }

  int(name: string): number | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : Number.parseInt(v, 10);
  }
}

export function queryCodec(xmlns: string): Codec<QueryParams, string> {
  return {
    decode(req: WireRequest) {
      // The SDKs POST a form; the query string works too (as AWS allows for GET).
      const params = new URLSearchParams(req.query);
      for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) params.append(k, v);
      const action = params.get("Action");
      if (!action) {
        throw new WireFault("MissingAction", "Could not find operation to perform", 400);
      }
      return { operation: action, input: new QueryParams(params) };
    },
    ok(operation, body, requestId): WireResponse {
      return xmlReply(
        200,
        document(
          `${operation}Response`,
          xmlns,
          el(`${operation}Result`, body) + el("ResponseMetadata", leaf("RequestId", requestId)),
        ),
        requestId,
      );
    },
    error(_operation, fault, requestId) {
      return xmlReply(
        fault.status,
        errorDocument(
          xmlns,
          { type: fault.type, code: fault.code, message: fault.message },
          requestId,
        ),
        requestId,
      );
    },
    unknownOperation(operation) {
      return new WireFault(
        "InvalidAction",
        `The action ${operation} is not valid for this web service.`,
        400,
      );
    },
  };
}

export function xmlReply(status: number, body: string, requestId: string): WireResponse {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body,
  };
}
