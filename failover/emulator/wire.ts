import { IncomingHttpHeaders } from "http";
import { DrManifest } from "../../manifest";
import { AdapterError, Adapters } from "../adapters/types";
import { Simulation } from "../simulator/simulation";

/**
 * The shapes shared by the server, the protocol codecs and the service handlers. A codec turns
 * HTTP into (operation, input) and (output | fault) back into HTTP, as its AWS protocol does;
 * a service maps operations onto the simulation. `defineService` joins the two and hides the
 * codec's input and output types from the server, which handles every service alike.
 */

export interface WireRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The error code of an error reply (for the request log; not sent as such). */
  error?: string;
}

/** An error reply: the wire code, HTTP status and extra members of the error shape. */
export class WireFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Members of the error shape besides the message (e.g. DynamoDB's `Item`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "WireFault";
  }

  /** awsQuery and REST-XML name the side at fault. */
  get type(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

/** The simulated call never answers (its region went away): the server holds the socket. */
export const NO_ANSWER = Symbol("no answer");
export type Outcome = WireResponse | typeof NO_ANSWER;

export interface Codec<I, O> {
  /** The operation and its input; throws WireFault for a request it cannot read. */
  decode(req: WireRequest): { operation: string; input: I };
  ok(operation: string, output: O, requestId: string): WireResponse;
  error(operation: string, fault: WireFault, requestId: string): WireResponse;
  /** The fault this protocol answers for an operation the service does not have. */
  unknownOperation(operation: string): WireFault;
}

/** What an operation handler may use: the simulation, its adapters, the request's region. */
export interface CallContext {
  region: string;
  requestId: string;
  sim: Simulation;
  /** The emulator's long-lived simulator session (one operator process). */
  adapters: Adapters;
  manifests: DrManifest[];
  /** The account every ARN in the manifests names. */
  account: string;
  /** Wall-clock epoch ms (== the simulation's clock). */
  nowMs: number;
}

export type Handler<I, O> = (input: I, ctx: CallContext) => O | Promise<O>;

/** Error names this service answers with another wire code or a status of its own. */
export type ErrorTable = Record<string, { code?: string; status: number }>;

export interface ServiceDef<I, O> {
  /** The SigV4 signing name (the scope's service). */
  name: string;
  codec: Codec<I, O>;
  /** The service's throttling error: code and status differ between protocols. */
  throttle: { code: string; status: number };
  errors: ErrorTable;
  operations: Record<string, Handler<I, O>>;
}

/** One request, decoded, ready to be run or refused. */
export interface Dispatch {
  operation: string;
  run(ctx: CallContext): Promise<Outcome>;
  fail(fault: WireFault, requestId: string): WireResponse;
}

export interface Service {
  name: string;
  /** The wire code and status of an error name in this service (fault injection uses it). */
  fault(code: string, message: string, status?: number): WireFault;
  /** Decodes a request; a request it cannot read still yields a Dispatch that refuses it. */
  dispatch(req: WireRequest): Dispatch;
}

export function defineService<I, O>(def: ServiceDef<I, O>): Service {
  const fault = (code: string, message: string, status?: number) => {
    const entry = def.errors[code];
    return new WireFault(entry?.code ?? code, message, status ?? entry?.status ?? statusOf(code));
  };
  const error = (operation: string, f: WireFault, requestId: string): WireResponse => ({
    ...def.codec.error(operation, f, requestId),
    error: f.code,
  });
  const refuse = (operation: string, f: WireFault): Dispatch => ({
    operation,
    run: async (ctx) => error(operation, f, ctx.requestId),
    fail: (x, id) => error(operation, x, id),
  });
  return {
    name: def.name,
    fault,
    dispatch(req) {
      let decoded: { operation: string; input: I };
      try {
        decoded = def.codec.decode(req);
      } catch (e) {
        if (e instanceof WireFault) return refuse("?", e);
        throw e;
      }
      const { operation, input } = decoded;
      const handler = Object.hasOwn(def.operations, operation)
        ? def.operations[operation]
        : undefined;
      if (!handler) return refuse(operation, def.codec.unknownOperation(operation));
      return {
        operation,
        fail: (f, id) => error(operation, f, id),
        run: async (ctx) => {
          try {
            return def.codec.ok(operation, await handler(input, ctx), ctx.requestId);
          } catch (e) {
            const f = toWireFault(e, def.throttle, fault);
            return f === NO_ANSWER ? f : error(operation, f, ctx.requestId);
          }
        },
      };
    },
  };
}

/** The status AWS uses for common error codes; services override theirs in `errors`. */
export function statusOf(code: string): number {
  if (/^(InternalFailure|InternalError|InternalServer\w*|InternalService\w*)$/.test(code))
    return 500;
  if (/Unavailable/.test(code)) return 503;
  if (/^(TooManyRequests\w*)$/.test(code)) return 429;
  if (/^(AccessDenied\w*|MissingAuthenticationToken\w*|UnrecognizedClient\w*)$/.test(code))
    return 403;
  return 400;
}

/**
 * An error from a handler as the service sends it. AdapterErrors (the simulator's models)
 * carry the SDK's error name in `awsName`; throttling takes the service's own code, and a
 * simulated timeout (a call into a region that went away) is no answer at all.
 */
function toWireFault(
  error: unknown,
  throttle: { code: string; status: number },
  fault: (code: string, message: string) => WireFault,
): WireFault | typeof NO_ANSWER {
  if (error instanceof WireFault) return error;
  if (error instanceof AdapterError) {
    const name = error.awsName ?? KIND_CODES[error.kind];
    if (name === "TimeoutError") return NO_ANSWER;
    if (/^Throttl/.test(name))
      return new WireFault(throttle.code, "Rate exceeded", throttle.status);
    return fault(name, error.message);
  }
  // A bug in the emulator: say so the way AWS says it, and keep the details for the operator.
  process.stderr.write(`emulator: handler failed: ${(error as Error)?.stack ?? String(error)}\n`);
  return new WireFault("InternalFailure", `emulator handler failed: ${String(error)}`, 500);
}

const KIND_CODES: Record<AdapterError["kind"], string> = {
  transient: "InternalFailure",
  "not-found": "ResourceNotFoundException",
  conflict: "ConflictException",
  "invalid-state": "InvalidStateException",
  "access-denied": "AccessDenied",
  credentials: "UnrecognizedClientException",
  validation: "ValidationException",
  unknown: "InternalFailure",
};
