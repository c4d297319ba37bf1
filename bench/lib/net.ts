/** Ports and readiness probes; everything stays on 127.0.0.1. */
import { createServer } from "node:net";
import { delay } from "./time";

export const HOST = "127.0.0.1";

/** A port nobody listens on right now: bind port 0, read what the OS chose, let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a listening socket"));
        return;
      }
      server.close((error) => (error ? reject(error) : resolvePort(address.port)));
    });
  });
}

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
