/**
 * Waiting without blind sleeps: every wait is for a condition, polled at a
 * short interval, and gives up after a stated time. Faults are the only
 * deliberate pauses, and those are part of the plan.
 */
export function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
}

/** Resolves true once `ready()` holds, or false when `timeoutMs` passes first. */
export async function waitUntil(ready: () => boolean | Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 100;
  for (;;) {
    if (await ready()) return true;
    if (Date.now() >= deadline) return false;
    await delay(Math.min(pollMs, deadline - Date.now()));
  }
}

/** Runs `attempt` until it resolves, at most `tries` times, `pauseMs` apart; rethrows the last failure. */
export async function retry<T>(attempt: () => Promise<T>, tries: number, pauseMs: number): Promise<T> {
  let lastError: unknown = new Error("no attempt made");
  for (let i = 0; i < tries; i++) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      await delay(pauseMs);
    }
  }
  throw lastError;
}
