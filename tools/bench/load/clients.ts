/**
 * The load generator's WebSocket clients: opened at a bounded rate, each
 * speaking its system's protocol (./protocols.ts), checking the order numbers
 * the server stamps (a number above the next expected one is a gap; below it,
 * a repeat) and handing every item receipt, timestamped on arrival, to the
 * current point's recorder.
 */
import WebSocket from "ws";
import { ackDueNow } from "../../../src/client/core/liveConnection";
import { DEFAULT_SEND_WINDOW, PAGE_ACK_DELAY_CAP_MS, readFrame, readyOnOpen, socketPath, type ProtocolName } from "./protocols";
import { utf8Length } from "../../../src/protocol/frames";
import { delay, holdsWithin, now } from "../../harness/wait";

export interface ReceiptSink {
  onReceipt(client: number, title: string, receivedAt: number): void;
}

export interface PoolCounters {
  /** Order numbers that skipped ahead of the next expected one. */
  gaps: number;
  /** Order numbers at or below one already seen (resends, duplicates). */
  repeats: number;
  /** Order counters that restarted from 1 (the bare object woke from hibernation). */
  orderRestarts: number;
  /** Frames the clients sent: Listroom's and bare-acking's acks, Socket.IO acks and pongs. */
  framesSent: number;
  unexpectedCloses: number;
  badFrames: number;
  /** Every text frame the clients received, whatever it was. */
  framesReceived: number;
}

const CLOSE_WAIT_MS = 5_000;
const OPEN_TIMEOUT_MS = 15_000;
/** Handshakes allowed to wait for an answer at once while a pool grows. */
const MAX_HANDSHAKES_IN_FLIGHT = 250;

class BenchClient {
  ready = false;
  failed: string | null = null;
  private expected: number | null = null;
  private readonly held = new Set<number>();
  private ackTimer: NodeJS.Timeout | null = null;
  private ackDelayMs = PAGE_ACK_DELAY_CAP_MS;
  private window = DEFAULT_SEND_WINDOW;
  /** Sequenced frames (and their bytes) received since the last ack went out. */
  private unacked = { frames: 0, bytes: 0 };
  private closing = false;
  readonly ws: WebSocket;

  constructor(
    /** Its place in the pool, which is its row in the point's bookkeeping. */
    public index: number,
    url: string,
    private readonly protocol: ProtocolName,
    private readonly pool: ClientPool,
  ) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: OPEN_TIMEOUT_MS, headers: pool.headers });
    this.ws.on("open", () => {
      if (readyOnOpen(protocol)) this.ready = true;
    });
    this.ws.on("message", (data, isBinary) => this.onMessage(isBinary ? "" : data.toString()));
    this.ws.on("error", (error) => {
      this.failed ??= error.message;
    });
    this.ws.on("close", (code) => {
      if (this.ackTimer) clearTimeout(this.ackTimer);
      if (!this.closing) {
        this.failed ??= `closed with ${code}`;
        pool.counters.unexpectedCloses++;
      }
    });
  }

  private onMessage(text: string): void {
    const receivedAt = now();
    this.pool.counters.framesReceived++;
    let outcome;
    try {
      outcome = readFrame(this.protocol, text);
    } catch {
      this.pool.counters.badFrames++;
      return;
    }
    for (const reply of outcome.replies) this.send(reply);
    if (outcome.ackDelayMs !== null) {
      this.ackDelayMs = this.pool.ackDelayOverrideMs ?? outcome.ackDelayMs;
      this.pool.observedAckDelayMs = this.ackDelayMs;
    }
    if (outcome.window !== null) {
      this.window = outcome.window;
      this.unacked = { frames: 0, bytes: 0 };
    }
    if (outcome.ready) this.ready = true;
    if (outcome.receipt) {
      if (outcome.receipt.order !== null) this.checkOrder(outcome.receipt.order);
      this.pool.sink?.onReceipt(this.index, outcome.receipt.title, receivedAt);
    } else if (outcome.sequenced !== null) {
      this.checkOrder(outcome.sequenced);
    }
    if (outcome.sequenced === null) return;
    this.unacked.frames++;
    this.unacked.bytes += utf8Length(text);
    if (ackDueNow(this.unacked, this.window)) {
      // Half the window is outstanding: the page acks now rather than let the server stall.
      if (this.ackTimer) clearTimeout(this.ackTimer);
      this.ackTimer = null;
      this.sendAck();
    } else if (this.ackTimer === null) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = null;
        this.sendAck();
      }, this.ackDelayMs);
    }
  }

  private sendAck(): void {
    this.unacked = { frames: 0, bytes: 0 };
    if (this.expected !== null) this.send(`{"type":"ack","seq":${this.expected - 1}}`);
  }

  private checkOrder(order: number): void {
    const counters = this.pool.counters;
    if (this.expected === null || (order === 1 && this.expected > 2)) {
      if (this.expected !== null) counters.orderRestarts++;
      this.held.clear();
      this.expected = order + 1;
      return;
    }
    if (order === this.expected) {
      this.expected++;
      while (this.held.delete(this.expected)) this.expected++;
    } else if (order > this.expected) {
      if (!this.held.has(order)) counters.gaps++;
      this.held.add(order);
    } else {
      counters.repeats++;
    }
  }

  get ackPending(): boolean {
    return this.ackTimer !== null;
  }

  private send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
    this.pool.counters.framesSent++;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((done) => this.ws.once("close", () => done()));
    this.ws.close(1000, "benchmark done");
    const timer = delay(CLOSE_WAIT_MS).then(() => this.ws.terminate());
    await Promise.race([closed, timer]);
  }
}

export interface GrowResult {
  opened: number;
  failed: number;
  seconds: number;
  /** One reason a client failed, for the log. */
  firstFailure: string | null;
}

export class ClientPool {
  private readonly clients: BenchClient[] = [];
  sink: ReceiptSink | null = null;
  readonly counters: PoolCounters = {
    gaps: 0,
    repeats: 0,
    orderRestarts: 0,
    framesSent: 0,
    unexpectedCloses: 0,
    badFrames: 0,
    framesReceived: 0,
  };

  constructor(
    private readonly origin: string,
    private readonly protocol: ProtocolName,
    /** Listroom clients batch acks this long instead of as the page would (a what-if). */
    readonly ackDelayOverrideMs: number | null = null,
    /** Sent with every handshake (see RunningSystem.requestHeaders). */
    readonly headers: Record<string, string> = {},
    /** Appended to the socket path, e.g. `?with=tags` for the bare room's additions. */
    readonly socketQuery = "",
  ) {}

  /** The ack batching Listroom clients used, as their welcome implied (or as overridden). */
  observedAckDelayMs: number | null = null;

  get size(): number {
    return this.clients.length;
  }

  /** Clients holding an ack they have not sent yet (batching). */
  acksPending(): number {
    return this.clients.filter((client) => client.ackPending).length;
  }

  /**
   * Opens clients up to `target`: at most `perSecond` a second, and at most
   * {@link MAX_HANDSHAKES_IN_FLIGHT} not yet ready, so a server that accepts
   * slower than that is not buried under handshakes it will time out anyway.
   * Gives up after `timeoutMs`. Clients that did not become ready are closed
   * and dropped, so the pool holds only live clients, numbered 0…size−1.
   */
  async grow(target: number, perSecond: number, timeoutMs: number): Promise<GrowResult> {
    const started = now();
    const before = this.clients.length;
    const deadline = started + timeoutMs;
    const url = `${this.origin.replace(/^http/, "ws")}${socketPath(this.protocol)}${this.socketQuery}`;
    const fresh: BenchClient[] = [];
    const spacingMs = 1000 / perSecond;
    const inFlight = () => fresh.filter((client) => !client.ready && client.failed === null).length;
    while (this.clients.length < target && now() < deadline) {
      const wait = started + fresh.length * spacingMs - now();
      if (wait >= 1) await delay(wait);
      if (inFlight() >= MAX_HANDSHAKES_IN_FLIGHT) {
        await holdsWithin(() => inFlight() < MAX_HANDSHAKES_IN_FLIGHT, {
          what: "a handshake to finish",
          timeoutMs: Math.max(0, deadline - now()),
          pollMs: 5,
        });
        continue;
      }
      const client = new BenchClient(this.clients.length, url, this.protocol, this);
      fresh.push(client);
      this.clients.push(client);
    }
    await holdsWithin(() => inFlight() === 0, {
      what: "every handshake to finish",
      timeoutMs: Math.max(0, Math.min(OPEN_TIMEOUT_MS, deadline - now())),
      pollMs: 20,
    });
    const failures = fresh.filter((client) => !client.ready || client.failed !== null);
    await Promise.all(failures.map((client) => client.close()));
    const live = this.clients.filter((client) => !failures.includes(client));
    this.clients.splice(0, this.clients.length, ...live);
    live.forEach((client, index) => (client.index = index));
    const neverOpened = Math.max(0, target - before - fresh.length);
    return {
      opened: fresh.length - failures.length,
      failed: failures.length + neverOpened,
      seconds: (now() - started) / 1000,
      firstFailure: failures[0]?.failed ?? (neverOpened > 0 ? `${neverOpened} not opened within ${timeoutMs} ms` : null),
    };
  }

  /** Closes clients beyond `target` (the newest first). */
  async shrink(target: number): Promise<void> {
    const leaving = this.clients.splice(target);
    await Promise.all(leaving.map((client) => client.close()));
  }

  async closeAll(): Promise<void> {
    await this.shrink(0);
  }

  /**
   * Resolves once no frame has arrived for `quietMs` (or after `timeoutMs`):
   * a server that fell behind at a failing rate is still flushing its backlog,
   * which would land in the next point's latencies.
   */
  async drained(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = now() + timeoutMs;
    let seen = this.counters.framesReceived;
    let quietSince = now();
    while (now() < deadline && now() - quietSince < quietMs) {
      await delay(Math.min(50, quietMs));
      if (this.counters.framesReceived !== seen) {
        seen = this.counters.framesReceived;
        quietSince = now();
      }
    }
  }

  /** How many clients are open and ready now. */
  readyCount(): number {
    let count = 0;
    for (const client of this.clients) if (client.ready && client.failed === null) count++;
    return count;
  }
}
