import { Clock, RandomSource } from "./clock";

/**
 * What the engine retries: an error that says it is retryable (`retryable: true`), as every
 * adapter's `AdapterError` of kind `transient` and the engine's own attempt timeout do. The engine
 * knows no AWS error names, status codes or socket codes: that knowledge lives in the adapters
 * (`failover/adapters/aws/errors.ts`), which classify every SDK error before it leaves them.
 */
export interface RetryableError {
  readonly retryable: boolean;
}

/** True when an error is worth retrying. */
export function isTransient(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Partial<RetryableError>).retryable === true
  );
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
export class AttemptTimeoutError extends Error implements RetryableError {
  readonly retryable = true;

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
