/**
 * A Durable Object the Worker calls may fail for reasons of the platform, not
 * of the request or our code: it was restarting or moving, the connection to
 * it dropped, or it is overloaded. The runtime marks those errors
 * `.retryable` or `.overloaded` (and already retried the retryable ones that
 * never reached the object):
 * https://developers.cloudflare.com/durable-objects/best-practices/error-handling/
 * Such a failure is answered `503 unavailable` with `Retry-After`, never `500`.
 */

/** What a `503 unavailable` says, from the Worker or from a relay whose list does not answer. */
export const UNAVAILABLE_MESSAGE = "this list cannot be reached right now; try again shortly";

/** Seconds a client is asked to wait after a retryable failure, and after an overload. */
export const RETRY_AFTER_S = { retryable: 1, overloaded: 10 } as const;

/**
 * How long to ask the client to wait, or null when `error` is not the platform's.
 *
 * @example
 * unavailableFor(Object.assign(new Error("reset"), { retryable: true })) // 1
 * unavailableFor(new Error("a bug")) // null
 */
export function unavailableFor(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const flags = error as { overloaded?: unknown; retryable?: unknown };
  if (flags.overloaded === true) return RETRY_AFTER_S.overloaded;
  if (flags.retryable === true) return RETRY_AFTER_S.retryable;
  return null;
}
