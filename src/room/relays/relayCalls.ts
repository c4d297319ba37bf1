/**
 * How the list's calls to a relay are timed (relayFeed.ts): a call not
 * answered in time counts as failed, and a failed relay is tried again after
 * a delay that doubles with each failure.
 */

/** A call not answered by then counts as failed (a late answer still counts: applying is idempotent). */
export const RELAY_CALL_TIMEOUT_MS = 10_000;
/** Retries wait 1 s, 2 s, 4 s … up to a minute. */
export const RELAY_RETRY_FIRST_MS = 1_000;
export const RELAY_RETRY_MAX_MS = 60_000;

/**
 * How long to wait before trying a relay again after `failures` failed calls in a row.
 *
 * @example
 * [1, 2, 3, 10].map(retryDelay) // [1_000, 2_000, 4_000, 60_000]
 */
export function retryDelay(failures: number): number {
  return Math.min(RELAY_RETRY_MAX_MS, RELAY_RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

/** `promise`, or a rejection once `ms` have passed without it settling. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
