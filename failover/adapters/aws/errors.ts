import { AdapterError, AdapterErrorKind, Region } from "../types";
import { isTransient } from "../../engine/retry";

const CREDENTIALS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
]);
const ACCESS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "AuthorizationError",
  "NotAuthorized",
]);
const CONFLICT = new Set([
  "ConditionalCheckFailedException",
  "ConflictException",
  "TransactionConflictException",
]);
const VALIDATION = new Set([
  "ValidationException",
  "ValidationError",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "InvalidParameterCombination",
  "InvalidParameterCombinationException",
  "InvalidInput",
  "InvalidRequestException",
  "BadRequestException",
  "SerializationException",
]);

/** Sorts an SDK error into the kind the runbooks act on, by `error.name`. */
export function classify(error: unknown): AdapterErrorKind {
  if (isTransient(error)) return "transient";
  const name = (error as { name?: string } | null)?.name ?? "";
  if (CREDENTIALS.has(name)) return "credentials";
  if (ACCESS.has(name)) return "access-denied";
  if (CONFLICT.has(name)) return "conflict";
  if (VALIDATION.has(name)) return "validation";
  if (/NotFound|NoSuch/.test(name)) return "not-found";
  if (/^Invalid.*State/.test(name)) return "invalid-state";
  return "unknown";
}

/** Runs one SDK call and rethrows any failure as an AdapterError naming service, call and region. */
export async function call<T>(
  service: string,
  operation: string,
  region: Region | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAdapterError(service, operation, region, error);
  }
}

export function toAdapterError(
  service: string,
  operation: string,
  region: Region | undefined,
  error: unknown,
): AdapterError {
  if (error instanceof AdapterError) return error;
  const name = (error as { name?: string } | null)?.name ?? "Error";
  const message = (error as { message?: string } | null)?.message ?? String(error);
  return new AdapterError(
    classify(error),
    service,
    operation,
    region,
    `${service} ${operation}${region ? ` in ${region}` : ""} failed: ${name}: ${message}`,
    name,
    { cause: error },
  );
}

/** Client settings shared by every adapter. */
export interface ClientSettings {
  profile?: string;
  /** Defaults to 10 s: the engine retries, a hung connection must not eat the step's budget. */
  requestTimeoutMs?: number;
}

export function clientConfig(region: Region, s: ClientSettings) {
  return {
    region,
    ...(s.profile ? { profile: s.profile } : {}),
    // The engine owns retries (with jitter, journaled, on the virtual clock in drills); SDK
    // retries underneath would multiply them.
    maxAttempts: 1,
    requestHandler: { requestTimeout: s.requestTimeoutMs ?? 10_000, connectionTimeout: 5_000 },
  };
}

/** One client per region, created on first use. */
export function perRegion<C>(make: (region: Region) => C): (region: Region) => C {
  const clients = new Map<Region, C>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = make(region);
      clients.set(region, c);
    }
    return c;
  };
}
