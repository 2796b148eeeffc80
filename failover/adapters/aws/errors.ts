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
