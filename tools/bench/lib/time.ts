/** Small timing helpers shared by the benchmark's modules. */
import { performance } from "node:perf_hooks";

export function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Monotonic milliseconds (with sub-millisecond precision). */
export function now(): number {
  return performance.now();
}

/**
 * Polls `ready` every `pollMs` until it holds or `timeoutMs` passes; returns
 * whether it held. Always bounded.
 */
export async function waitFor(ready: () => boolean, timeoutMs: number, pollMs = 10): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!ready()) {
    if (now() >= deadline) return false;
    await delay(pollMs);
  }
  return true;
}
