import { AdapterError, AdapterErrorKind, Region } from "../types";

/*
 * What AWS errors mean, in one place: every SDK error is classified here before it leaves an
 * adapter, so the engine (which retries `transient` AdapterErrors and nothing else) needs no
 * AWS knowledge of its own.
 */

/**
 * AWS error names that mean "try again": throttling, server-side failures and timeouts.
 * Everything else (access denied, invalid state, validation) fails the step at once: retrying
 * a permanent error only hides it for minutes during an outage.
 */
const TRANSIENT_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "SlowDown",
  "InternalFailure",
  "InternalError",
  "InternalServerError",
  "InternalServerException",
  "InternalServiceError",
  "InternalServiceErrorException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "EndpointTemporarilyUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "NetworkingError",
]);

/**
 * Socket-level failures, by Node's `error.code`: the endpoint (or the path to it) is down,
 * which is exactly what a regional outage looks like, so the next attempt or the next ARC
 * endpoint may work. TLS failures count too: a half-dead endpoint or a middlebox in trouble
 * fails the handshake, and another endpoint may not.
 */
const NETWORK_CODE =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|EHOSTDOWN|ENETUNREACH|ENETDOWN|EPROTO|ERR_SSL_.*|ERR_TLS_.*|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SOCKET_.*|UND_ERR_.*)$/;

/** True when an SDK (or socket) error is worth retrying: by name, code, status or the SDK's flag. */
export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof AdapterError) return error.kind === "transient";
  if (error === null || typeof error !== "object") return false;
  // An error that says so itself (the engine's attempt timeout does).
  if ((error as { retryable?: unknown }).retryable === true) return true;
  const e = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && (TRANSIENT_NAMES.has(e.code) || NETWORK_CODE.test(e.code))) return true;
  if (e.name && NETWORK_CODE.test(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  // The SDK sometimes wraps the socket error it got.
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isTransientAwsError(cause);
}

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
  if (isTransientAwsError(error)) return "transient";
  const name = (error as { name?: string } | null)?.name ?? "";
  if (CREDENTIALS.has(name)) return "credentials";
  if (ACCESS.has(name)) return "access-denied";
  if (CONFLICT.has(name)) return "conflict";
  if (VALIDATION.has(name)) return "validation";
  if (/NotFound|NoSuch/.test(name)) return "not-found";
  if (/^Invalid.*State/.test(name)) return "invalid-state";
  return "unknown";
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
