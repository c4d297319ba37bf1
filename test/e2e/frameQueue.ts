/**
 * End-to-end helpers: the real app under `wrangler dev` (workerd, the ListRoom
 * Durable Object with SQLite storage, static assets), and WebSocket clients
 * whose frames can be awaited one by one. Node only; everything targets
 * 127.0.0.1.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, groupIsAlive, HOST, killGroup } from "./localProcesses";

export { freePort };

/** The nearest folder above this module with a wrangler.toml: found by walking up, so bundled copies (.build/) work too. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "wrangler.toml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no wrangler.toml above ${from}`);
  }
}

const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
const WRANGLER_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");

/** Delivery tuning the e2e tests rely on: resends every 300 ms, 3 attempts, so a drop after ~0.9 s. */
export const DEV_VARS = {
  RESEND_INTERVAL_MS: 300,
  MAX_SEND_ATTEMPTS: 3,
  RESUME_WINDOW_MS: 60_000,
} as const;

/** How often and how many times to ask whether the server answers: at most ~45 s. */
const READY_POLL_MS = 250;
const READY_TRIES = 180;
const READY_REQUEST_TIMEOUT_MS = 2_000;
/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** The tail of wrangler's output kept for error messages. */
const LOG_TAIL_CHARS = 8_000;

export interface DevServer {
  /** The process group of wrangler and its workerd, for reading their memory and CPU. */
  processGroup: number;
  /** e.g. `http://127.0.0.1:41234` */
  baseUrl: string;
  /** e.g. `ws://127.0.0.1:41234/ws` */
  wsUrl: string;
  /** wrangler's output so far (its tail), for diagnosing a failure. */
  logs(): string;
  /** Kills wrangler and workerd (the whole process group) and removes the persistence dir if it made it. */
  stop(): Promise<void>;
}


function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}


export interface DevServerOptions {
  /** A fixed port, so that a restarted server is found where pages expect it. */
  port?: number;
  /**
   * Storage to run on. A directory given here is kept when the server stops,
   * so a restart on it finds the same items; by default a fresh temporary one
   * is made and removed.
   */
  persistDir?: string;
  /** Worker vars on top of {@link DEV_VARS}. */
  vars?: Record<string, string | number>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const [port, inspectorPort] = [options.port ?? (await freePort()), await freePort()];
  const ownsPersistDir = options.persistDir === undefined;
  const persistDir = options.persistDir ?? (await mkdtemp(join(tmpdir(), "listroom-e2e-")));
  const removeOwnPersistDir = () => (ownsPersistDir ? rm(persistDir, { recursive: true, force: true }) : undefined);
  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    HOST,
    "--inspector-port",
    String(inspectorPort),
    "--inspector-ip",
    HOST,
    "--persist-to",
    persistDir,
    "--show-interactive-dev-session=false",
    ...Object.entries({ ...DEV_VARS, ...options.vars }).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const child: ChildProcess = spawn(WRANGLER_BIN, args, {
    cwd: PROJECT_ROOT,
    // Its own process group, so stop() can take workerd down with it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_LOG_PATH: join(persistDir, "wrangler-logs"),
      // The .bin script runs `node` from PATH; make that the Node running these tests.
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  const pid = child.pid;
  if (pid === undefined) {
    await removeOwnPersistDir();
    throw new Error(`could not spawn ${WRANGLER_BIN}`);
  }

  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((done) =>
    child.once("exit", (code, signal) => {
      exited = `wrangler exited (code ${code}, signal ${signal})`;
      done();
    }),
  );
  // If the test process dies without calling stop(), do not leave workerd behind.
  const onExit = () => killGroup(pid, "SIGKILL");
  process.once("exit", onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    killGroup(pid, "SIGTERM");
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupIsAlive(pid) && Date.now() < deadline) await delay(50);
    if (groupIsAlive(pid)) killGroup(pid, "SIGKILL");
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([exitedPromise, new Promise<void>((done) => (graceTimer = setTimeout(done, STOP_GRACE_MS)))]);
    clearTimeout(graceTimer);
    child.stdout?.destroy();
    child.stderr?.destroy();
    await removeOwnPersistDir();
  };

  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitUntilAnswering(`${baseUrl}/api/items`, () => exited);
  } catch (error) {
    const logs = output;
    await stop();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${logs}`);
  }
  return { processGroup: pid, baseUrl, wsUrl: `ws://${HOST}:${port}/ws`, logs: () => output, stop };
}

/** Polls `url` until it answers 200, a bounded number of times; fails early if wrangler exits. */
async function waitUntilAnswering(url: string, exited: () => string | null): Promise<void> {
  let lastProblem = "no attempt made";
  for (let attempt = 1; attempt <= READY_TRIES; attempt++) {
    const why = exited();
    if (why !== null) throw new Error(`${why} before answering ${url}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(READY_REQUEST_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.ok) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = String((error as Error).cause ?? error);
    }
    await delay(READY_POLL_MS);
  }
  throw new Error(`${url} did not answer after ${READY_TRIES} tries (last: ${lastProblem})`);
}

// ---- WebSocket clients ------------------------------------------------------

export const FRAME_TIMEOUT_MS = 3_000;
/** A closing handshake we start; generous, since it is not what the tests measure. */
const CLOSE_TIMEOUT_MS = 10_000;
const CLOSING_POLL_MS = 5;

export interface Closed {
  code: number;
  reason: string;
}

type Waiter = { wake: () => void };

/**
 * A WebSocket whose text frames queue up as parsed JSON. `next()` takes the
 * oldest unread frame or waits for one; it rejects on timeout, or when the
 * socket closes with nothing left to read.
 */
export class FrameQueue {
  private readonly frames: unknown[] = [];
  private readonly waiters = new Set<Waiter>();
  private closedWith: Closed | null = null;
  private failure: string | null = null;
  /** Every frame received, read or not, in order. */
  readonly received: unknown[] = [];
  /** When each of `received` arrived (ms since epoch). */
  readonly receivedAt: number[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        this.failure = `server sent a frame that is not JSON: ${String(event.data).slice(0, 200)}`;
        frame = undefined;
      }
      if (frame !== undefined) {
        this.frames.push(frame);
        this.received.push(frame);
        this.receivedAt.push(Date.now());
      }
      this.wakeAll();
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = { code: event.code, reason: event.reason };
      this.wakeAll();
    });
  }

  /** Opens a socket to `url` and resolves once it is open (listening from the start, so no frame is missed). */
  static open(url: string, timeoutMs = FRAME_TIMEOUT_MS): Promise<FrameQueue> {
    const ws = new WebSocket(url);
    const queue = new FrameQueue(ws);
    return new Promise((resolveOpen, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`WebSocket to ${url} did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolveOpen(queue);
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket to ${url} failed to open`));
      });
    });
  }

  get closed(): Closed | null {
    return this.closedWith;
  }

  /** Frames that arrived and have not been read with `next()`. */
  get unread(): readonly unknown[] {
    return this.frames;
  }

  private wakeAll(): void {
    for (const waiter of this.waiters) waiter.wake();
  }

  /** Resolves when `ready()` holds; rejects with `what` after `timeoutMs`. */
  private async until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    let timedOut = false;
    const waiter: Waiter = { wake: () => {} };
    const timer = setTimeout(() => {
      timedOut = true;
      waiter.wake();
    }, timeoutMs);
    this.waiters.add(waiter);
    try {
      while (!ready()) {
        if (this.failure !== null) throw new Error(this.failure);
        if (timedOut) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise<void>((wake) => (waiter.wake = wake));
      }
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter);
    }
  }

  /** The next frame, parsed. */
  async next<T = Record<string, unknown>>(timeoutMs = FRAME_TIMEOUT_MS): Promise<T> {
    await this.until(() => this.frames.length > 0 || this.closedWith !== null, "a frame", timeoutMs);
    if (this.frames.length === 0) {
      const { code, reason } = this.closedWith!;
      throw new Error(`socket closed (${code} ${JSON.stringify(reason)}) while waiting for a frame`);
    }
    return this.frames.shift() as T;
  }

  /** The next frame, which must have the given `type`. */
  async nextOfType<T extends { type: string }>(type: T["type"], timeoutMs = FRAME_TIMEOUT_MS): Promise<T> {
    const frame = await this.next<T>(timeoutMs);
    if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Resolves with the close code and reason once the socket has closed. */
  async waitForClose(timeoutMs = FRAME_TIMEOUT_MS): Promise<Closed> {
    await this.until(() => this.closedWith !== null, "the socket to close", timeoutMs);
    return this.closedWith!;
  }

  /**
   * Resolves once the server's Close frame has arrived, i.e. the socket is
   * CLOSING or CLOSED. The WebSocket API fires no event for that moment (its
   * `close` event waits for the TCP connection to end), so this checks
   * `readyState` every few milliseconds until it changes or `timeoutMs` passes.
   */
  async waitForClosing(timeoutMs = FRAME_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.ws.readyState === WebSocket.OPEN) {
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for a Close frame`);
      await delay(CLOSING_POLL_MS);
    }
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  ack(seq: number): void {
    this.send({ type: "ack", seq });
  }

  /** Closes from our side and waits for the closing handshake to finish. */
  async close(code = 1000, reason = "", timeoutMs = CLOSE_TIMEOUT_MS): Promise<Closed> {
    if (this.closedWith === null && this.ws.readyState !== WebSocket.CLOSING) this.ws.close(code, reason);
    return this.waitForClose(timeoutMs);
  }
}
