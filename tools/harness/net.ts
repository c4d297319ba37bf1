/**
 * Ports and probes for local runs. Everything binds to and targets
 * 127.0.0.1; nothing here reaches past the machine.
 */
import { connect, createServer } from "node:net";
import { waitFor } from "./wait";

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

/** The status `GET url` answers with, or null if it does not answer within `timeoutMs`. */
export async function httpStatus(url: string, timeoutMs = 2_000): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/**
 * Resolves once `GET url` answers 200, asking every quarter second; fails
 * after `timeoutMs`, or at once, saying why, when `exited()` reports that the
 * server has gone.
 */
export function untilAnswering(
  url: string,
  options: { what: string; timeoutMs: number; exited: () => string | null; requestTimeoutMs?: number },
): Promise<void> {
  return waitFor(
    async () => {
      const why = options.exited();
      if (why !== null) throw new Error(`${why} before answering ${url}`);
      return (await httpStatus(url, options.requestTimeoutMs)) === 200;
    },
    { what: `${options.what} to answer 200 on ${url}`, timeoutMs: options.timeoutMs, pollMs: 250 },
  );
}

/** Whether something accepts a TCP connection on `port` (answers within a second). */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      answer(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      answer(false);
    });
    socket.once("error", () => answer(false));
  });
}
