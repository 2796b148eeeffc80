import { AdapterError } from "../adapters/types";
import { InputValidationError } from "../../validation/issues";
import { RunInProgressError } from "../engine/journal";

/**
 * Exit codes, documented in the README (Operating a failover). 3 is left out: `npm run plan`
 * uses it for an internal error.
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, couldNotCheck: 4 } as const;

/**
 * Bad input: the command refuses before any state-changing AWS call. Carries the fix.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly resolution: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** The run failed or was declined; the message says what state AWS is in and how to go on. */
export class RunFailedError extends Error {
  constructor(
    message: string,
    readonly resolution: string,
  ) {
    super(message);
    this.name = "RunFailedError";
  }
}

/** An unhealthy `status`: exit 1, the report was already printed. */
export class UnhealthyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnhealthyError";
  }
}

/** `status` read nothing wrong but some reads failed: exit 4, the report was already printed. */
export class CouldNotCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CouldNotCheckError";
  }
}

/**
 * Resolutions for AWS errors by `error.name`, for failures that reach the top (anything the
 * engine did not absorb). The operator sees a sentence and a next step, never a stack trace.
 */
const RESOLUTIONS: Record<string, string> = {
  CredentialsProviderError:
    "No AWS credentials were found. Log in (aws sso login --profile <p>) and pass --profile, or set AWS_PROFILE.",
  ExpiredToken: "The AWS session expired. Log in again (aws sso login) and resume.",
  ExpiredTokenException: "The AWS session expired. Log in again (aws sso login) and resume.",
  InvalidClientTokenId: "The access key is not valid in this partition/account. Check --profile.",
  UnrecognizedClientException: "The credentials are not recognised. Check --profile.",
  AccessDenied:
    "The operator role lacks a permission. Attach the policy in the README (Operating a failover) to it, then resume.",
  AccessDeniedException:
    "The operator role lacks a permission. Attach the policy in the README (Operating a failover) to it, then resume.",
  GlobalClusterNotFoundFault:
    "The manifest names a global cluster that does not exist. Re-export the manifests (pulumi stack output --json).",
  InvalidGlobalClusterStateFault:
    "The Aurora global cluster is busy (another switchover, failover or modification). Wait, check 'failover status', then resume.",
  InvalidDBClusterStateFault:
    "An Aurora cluster is not available. Check 'failover status' and the RDS console, then resume.",
  ResourceNotFoundException:
    "A resource named in the manifests does not exist in that region. Re-export the manifests.",
  ThrottlingException: "AWS kept throttling after every retry. Wait a minute and resume.",
  ConflictException:
    "ARC refused the update (a safety rule or a concurrent change). Check the routing controls, then resume.",
  ServiceLimitExceededException:
    "ARC refused the update because of a safety rule. Check the control panel's rules; override them only deliberately.",
  EndpointTemporarilyUnavailableException:
    "Every ARC cluster endpoint failed. Check --arc-endpoints (all five), then resume.",
};

export function resolutionFor(error: unknown): string | undefined {
  const name =
    error instanceof AdapterError ? error.awsName : (error as { name?: string } | null)?.name;
  if (name && RESOLUTIONS[name]) return RESOLUTIONS[name];
  if (error instanceof AdapterError) {
    switch (error.kind) {
      case "credentials":
        return RESOLUTIONS.CredentialsProviderError;
      case "access-denied":
        return RESOLUTIONS.AccessDenied;
      case "transient":
        return "AWS did not answer after every retry. Check the AWS Health Dashboard, then resume.";
      case "not-found":
        return RESOLUTIONS.ResourceNotFoundException;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Turns anything thrown into the exit code and the lines the operator reads. */
export function toExit(error: unknown): { code: number; lines: string[] } {
  if (error instanceof UserError) {
    return { code: EXIT.badInput, lines: [`error: ${error.message}`, `fix: ${error.resolution}`] };
  }
  if (error instanceof InputValidationError) {
    return {
      code: EXIT.badInput,
      lines: [
        `error: ${error.source} is invalid:`,
        ...error.issues.map((i) => `  - ${i.key}: ${i.message}`),
      ],
    };
  }
  if (error instanceof RunInProgressError) {
    return {
      code: EXIT.badInput,
      lines: [
        `error: run ${error.active.runId} is in progress.`,
        "fix: resume it with --resume, or abandon it with --abandon <run id>.",
      ],
    };
  }
  if (error instanceof RunFailedError) {
    return { code: EXIT.failed, lines: [`error: ${error.message}`, `next: ${error.resolution}`] };
  }
  if (error instanceof UnhealthyError) {
    return { code: EXIT.failed, lines: [] };
  }
  if (error instanceof CouldNotCheckError) {
    return { code: EXIT.couldNotCheck, lines: [] };
  }
  const resolution = resolutionFor(error);
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: EXIT.failed,
    lines: [
      `error: ${message}`,
      `next: ${resolution ?? "Nothing was changed by this failure itself; check 'failover status' and retry or resume."}`,
    ],
  };
}
