/** Ports and readiness probes; everything stays on 127.0.0.1. */
import { freePort, HOST } from "../../../test/e2e/localProcesses";
import { delay } from "./time";

export { freePort, HOST };

/** The status `GET url` answers with, or null if it does not answer in time. */
export async function probe(url: string, timeoutMs = 2_000): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/** Polls until `url` answers 200, at most `tries` times; fails early when `exited()` says the server died. */
export async function waitUntilAnswering(url: string, exited: () => string | null, tries = 240, pollMs = 250): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const why = exited();
    if (why !== null) throw new Error(`${why} before answering ${url}`);
    if ((await probe(url)) === 200) return;
    await delay(pollMs);
  }
  throw new Error(`${url} did not answer 200 after ${tries} tries`);
}
