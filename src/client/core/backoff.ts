/**
 * Full-jitter exponential backoff: a random delay up to
 * min(cap, base × 2^attempt), so that a crowd of clients coming back after an
 * outage spreads out instead of arriving at once.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 15_000 };

/** `random` returns a number in [0, 1), like `Math.random`. */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = RECONNECT_BACKOFF): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
