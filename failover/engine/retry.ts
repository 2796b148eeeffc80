import { AdapterError, Clock, RandomSource } from "../adapters/types";

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
  "AttemptTimeoutError",
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

/** True when an error is worth retrying. */
export function isTransient(error: unknown): boolean {
  if (error instanceof AdapterError) return error.kind === "transient";
  if (error === null || typeof error !== "object") return false;
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
  return cause !== undefined && cause !== error && isTransient(cause);
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second attempt, doubled each time up to `capMs`. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 500, capMs: 20_000 };

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed so retries never
 * bunch at zero, half is random so parallel steps hitting the same throttle spread out.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: RandomSource): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return exp / 2 + random() * (exp / 2);
}

/** Raised when one attempt takes longer than its timeout. Transient: the next attempt may work. */
export class AttemptTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = "AttemptTimeoutError";
  }
}

/**
 * Races `work` against a timer on the injected clock. The work is not cancelled (an AWS call
 * in flight cannot be taken back), only abandoned; every step is idempotent for that reason.
 */
export async function withTimeout<T>(
  clock: Clock,
  timeoutMs: number,
  what: string,
  work: () => Promise<T>,
  makeError: () => Error = () => new AttemptTimeoutError(what, timeoutMs),
): Promise<T> {
  const controller = new AbortController();
  const timer = clock.sleep(timeoutMs, controller.signal).then(
    () => {
      throw makeError();
    },
    () => undefined as never,
  );
  try {
    return await Promise.race([work(), timer]);
  } finally {
    controller.abort(SETTLED);
  }
}

/** The reason a settled call's timer is cancelled with: one value, no stack captured per call. */
const SETTLED = Object.freeze(new Error("settled"));

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Runs `fn` until it succeeds, a non-transient error occurs, or attempts run out. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    clock: Clock;
    random: RandomSource;
    policy?: RetryPolicy;
    onRetry?: (event: RetryEvent) => void;
    signal?: AbortSignal;
  },
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.maxAttempts || options.signal?.aborted) {
        throw error;
      }
      const delayMs = backoffDelay(attempt, policy, options.random);
      options.onRetry?.({ attempt, delayMs, error });
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}
