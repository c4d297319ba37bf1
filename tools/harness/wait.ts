/**
 * The one bounded wait for tests and tools: poll a condition at an interval
 * until it holds or a stated time has passed, and say what was awaited when
 * it gives up. Nothing here sleeps for a condition: `delay` is for pacing
 * (an open-loop rate, a planned downtime, a measured idle period), never a
 * stand-in for "by now it has probably happened".
 */
import { performance } from "node:perf_hooks";

export interface WaitOptions {
  /** What is awaited, for the message when the wait gives up: "the server to answer". */
  what: string;
  timeoutMs: number;
  /** How often the condition is asked; 50 ms unless told. */
  pollMs?: number;
}

/** Thrown by {@link waitFor} when the time runs out; any other error comes from the condition itself. */
export class WaitTimeout extends Error {
  override readonly name = "WaitTimeout";
}

export function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}

/** Monotonic milliseconds, with sub-millisecond precision. */
export function now(): number {
  return performance.now();
}

/**
 * Resolves once `condition()` holds. Rejects with a {@link WaitTimeout} naming
 * `what` after `timeoutMs`, or with whatever `condition` throws (a server that
 * exited, a socket that failed), so a wait can fail early and say why.
 *
 * @example
 * await waitFor(() => clients.every((client) => client.isLive), { what: "every client to go live", timeoutMs: 60_000 });
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 50;
  for (;;) {
    if (await condition()) return;
    const left = deadline - now();
    if (left <= 0) throw new WaitTimeout(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await delay(Math.min(pollMs, left));
  }
}

/**
 * {@link waitFor} for a wait whose outcome is a finding rather than a failure:
 * true once the condition holds, false when the time runs out.
 */
export async function holdsWithin(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<boolean> {
  try {
    await waitFor(condition, options);
    return true;
  } catch (error) {
    if (error instanceof WaitTimeout) return false;
    throw error;
  }
}
