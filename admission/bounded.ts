/** A read that did not answer in time. */
export class AdmissionTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdmissionTimeoutError";
  }
}

/**
 * Runs `run` with an AbortSignal that fires after `ms`, and settles by then whatever `run`
 * does with the signal: a call that ignores it (or a socket that never answers) cannot hold
 * a caller past its bound.
 */
export function bounded<T>(
  what: string,
  ms: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new AdmissionTimeoutError(`${what} did not answer within ${ms} ms`));
    signal.addEventListener("abort", onAbort, { once: true });
    let started: Promise<T>;
    try {
      started = run(signal);
    } catch (e) {
      signal.removeEventListener("abort", onAbort);
      reject(e);
      return;
    }
    started.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(
          signal.aborted
            ? new AdmissionTimeoutError(`${what} did not answer within ${ms} ms`)
            : error,
        );
      },
    );
  });
}
