/**
 * A WebSocket proxy on 127.0.0.1 in front of some clients: it relays frames
 * between each client and the server, and on the way delays some (in order,
 * like a congested link), duplicates some and drops some, so that resends,
 * the client's hold-back of early frames and dedup are all exercised. It can
 * also cut a connection on both sides at once.
 *
 * A drop is limited so that it can never by itself cost a well-behaved client
 * its connection: only a sequenced frame's first transmission is dropped
 * (its resend gets through), and a connection loses at most one frame or ack
 * per `lossSpacingMs`. Without that, a client that did everything right could
 * legitimately be dropped with 4008 and the check on 4008 would mean nothing.
 */
import type { IncomingMessage } from "node:http";
import WebSocket, { WebSocketServer } from "ws";
import { CHAOS_TAG_HEADER } from "./faultySocket";
import type { Prng } from "./random";

export interface ProxyFaultRates {
  dropFirstSend: number;
  dropAck: number;
  duplicate: number;
  delay: number;
  maxDelayMs: number;
  lossSpacingMs: number;
}

export interface ProxyStats {
  connections: number;
  droppedFrames: number;
  droppedAcks: number;
  duplicatedFrames: number;
  delayedFrames: number;
  cuts: number;
}

/** What the server saw of one proxied connection: when each seq first left it, and when acks reached it. */
export interface ProxiedConnectionLog {
  firstSentAt: Map<number, number>;
  acksForwarded: { at: number; seq: number }[];
}

/** Delivers actions in order, each no earlier than its own delay: a link that can lag but not reorder. */
class Lane {
  private readonly queue: { at: number; run: () => void }[] = [];
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;

  push(run: () => void, delayMs: number): void {
    const at = Math.max(Date.now() + delayMs, this.lastAt);
    this.lastAt = at;
    this.queue.push({ at, run });
    this.pump();
  }

  private pump(): void {
    if (this.timer) return;
    while (this.queue.length > 0 && this.queue[0]!.at <= Date.now()) this.queue.shift()!.run();
    const head = this.queue[0];
    if (head) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, head.at - Date.now());
    }
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

interface Relay {
  client: WebSocket;
  upstream: WebSocket;
  log: ProxiedConnectionLog;
  lastLossAt: number;
  toClient: Lane;
  toServer: Lane;
}

/** Codes a Close frame may carry (RFC 6455 §7.4); others mean the connection just ended. */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

function endSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (ws.readyState === WebSocket.OPEN && isSendableCloseCode(code)) ws.close(code, reason);
  else ws.terminate();
}

function sequencedSeq(text: string): number | null {
  if (!text.startsWith('{"type":"item"') && !text.startsWith('{"type":"snapshot"')) return null;
  const seq: unknown = (JSON.parse(text) as { seq?: unknown }).seq;
  return typeof seq === "number" ? seq : null;
}

function ackedSeq(text: string): number | null {
  if (!text.startsWith('{"type":"ack"')) return null;
  const seq: unknown = (JSON.parse(text) as { seq?: unknown }).seq;
  return typeof seq === "number" ? seq : null;
}

export class FaultProxy {
  readonly stats: ProxyStats = {
    connections: 0,
    droppedFrames: 0,
    droppedAcks: 0,
    duplicatedFrames: 0,
    delayedFrames: 0,
    cuts: 0,
  };
  private readonly logs = new Map<string, ProxiedConnectionLog>();
  private readonly relays = new Map<string, Relay>();
  private faulty = true;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly upstreamOrigin: string,
    private readonly prng: Prng,
    private readonly rates: ProxyFaultRates,
  ) {
    server.on("connection", (client, request) => this.relay(client, request));
  }

  /** Listens on a free port of 127.0.0.1 and relays to `upstreamOrigin` (e.g. `ws://127.0.0.1:8787`). */
  static async start(upstreamOrigin: string, prng: Prng, rates: ProxyFaultRates): Promise<FaultProxy> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((listening, failed) => {
      server.once("listening", listening);
      server.once("error", failed);
    });
    return new FaultProxy(server, upstreamOrigin, prng, rates);
  }

  /** The proxy's address for a socket path (it forwards the path upstream as it is). */
  socketUrl(path: string): string {
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("the proxy is not listening on a port");
    return `ws://127.0.0.1:${address.port}${path}`;
  }

  /** From now on frames pass untouched (the settle phase). */
  calm(): void {
    this.faulty = false;
  }

  logFor(tag: string): ProxiedConnectionLog | undefined {
    return this.logs.get(tag);
  }

  /** Ends both halves of a connection at once, without Close frames. */
  cut(tag: string): boolean {
    const relay = this.relays.get(tag);
    if (!relay || relay.client.readyState !== WebSocket.OPEN) return false;
    this.stats.cuts++;
    relay.upstream.terminate();
    relay.client.terminate();
    return true;
  }

  close(): Promise<void> {
    for (const relay of this.relays.values()) {
      relay.toClient.clear();
      relay.toServer.clear();
      relay.upstream.terminate();
      relay.client.terminate();
    }
    return new Promise((done) => this.server.close(() => done()));
  }

  private relay(client: WebSocket, request: IncomingMessage): void {
    const tag = String(request.headers[CHAOS_TAG_HEADER] ?? `anonymous-${this.stats.connections}`);
    this.stats.connections++;
    const upstream = new WebSocket(`${this.upstreamOrigin}${request.url ?? "/ws"}`);
    const log: ProxiedConnectionLog = { firstSentAt: new Map(), acksForwarded: [] };
    const relay: Relay = { client, upstream, log, lastLossAt: Number.NEGATIVE_INFINITY, toClient: new Lane(), toServer: new Lane() };
    this.logs.set(tag, log);
    this.relays.set(tag, relay);
    const upstreamOpen = new Promise<void>((open) => upstream.once("open", () => open()));

    upstream.on("message", (data) => this.towardClient(relay, data.toString()));
    client.on("message", (data) => {
      const text = data.toString();
      void upstreamOpen.then(() => this.towardServer(relay, text));
    });
    upstream.on("close", (code, reason) => relay.toClient.push(() => endSocket(client, code, reason.toString()), 0));
    client.on("close", (code, reason) => {
      // A client that vanished without a Close frame vanishes for the server too.
      if (code === 1006 || upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
      else relay.toServer.push(() => endSocket(upstream, code, reason.toString()), 0);
      this.relays.delete(tag);
    });
    upstream.on("error", () => client.terminate());
    client.on("error", () => upstream.terminate());
  }

  private lossAllowed(relay: Relay): boolean {
    return this.faulty && Date.now() - relay.lastLossAt >= this.rates.lossSpacingMs;
  }

  private lag(): number {
    if (!this.faulty || !this.prng.chance(this.rates.delay)) return 0;
    this.stats.delayedFrames++;
    return this.prng.int(5, this.rates.maxDelayMs);
  }

  private towardClient(relay: Relay, text: string): void {
    const seq = sequencedSeq(text);
    if (seq !== null) {
      const firstSend = !relay.log.firstSentAt.has(seq);
      if (firstSend) relay.log.firstSentAt.set(seq, Date.now());
      if (firstSend && this.lossAllowed(relay) && this.prng.chance(this.rates.dropFirstSend)) {
        relay.lastLossAt = Date.now();
        this.stats.droppedFrames++;
        return;
      }
    }
    const send = () => {
      if (relay.client.readyState === WebSocket.OPEN) relay.client.send(text);
    };
    relay.toClient.push(send, this.lag());
    if (seq !== null && this.faulty && this.prng.chance(this.rates.duplicate)) {
      this.stats.duplicatedFrames++;
      relay.toClient.push(send, 0);
    }
  }

  private towardServer(relay: Relay, text: string): void {
    const seq = ackedSeq(text);
    if (seq !== null && this.lossAllowed(relay) && this.prng.chance(this.rates.dropAck)) {
      relay.lastLossAt = Date.now();
      this.stats.droppedAcks++;
      return;
    }
    relay.toServer.push(() => {
      if (relay.upstream.readyState !== WebSocket.OPEN) return;
      relay.upstream.send(text);
      if (seq !== null) relay.log.acksForwarded.push({ at: Date.now(), seq });
    }, this.lag());
  }
}
