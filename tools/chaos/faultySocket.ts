/**
 * The socket the simulated clients hand to `LiveConnection`: a real
 * WebSocket (the `ws` package, because it can `terminate()` the TCP
 * connection without a Close frame, which the WebSocket API cannot) wrapped
 * so that the harness sees every frame in both directions and can make the
 * client stop acknowledging. Frames themselves are never dropped or
 * reordered here: within one live TCP connection that cannot happen. The
 * fault proxy (proxy.ts) does that, on the way.
 */
import type { ClientRequestArgs } from "node:http";
import { connect, type NetConnectOpts, type Socket } from "node:net";
import WebSocket from "ws";
import type { SocketLike } from "../../src/client/core/liveConnection";

export interface SocketObserver {
  /** Called for each text frame; must call `deliver` once, which hands the frame to the client. */
  onIncoming(text: string, deliver: () => void): void;
  /** Called for each frame the client sends; `swallowed` when the harness kept it back. */
  onOutgoing(text: string, swallowed: boolean): void;
  onClose(code: number): void;
  /** The TCP connection is up and the upgrade request is on its way: the server may now act on it. */
  onTcpConnect(): void;
}

export interface FaultySocketOptions {
  /** Sent as `x-chaos-conn`, so the proxy can tell which client a connection belongs to. */
  tag: string;
  observer: SocketObserver;
  /** Whether outgoing acks are swallowed right now. */
  isSilent(): boolean;
}

type Listeners = {
  open: Set<() => void>;
  error: Set<() => void>;
  message: Set<(event: { data: unknown }) => void>;
  close: Set<(event: { code: number }) => void>;
};

export const CHAOS_TAG_HEADER = "x-chaos-conn";

function isAckText(text: string): boolean {
  return text.startsWith('{"type":"ack"');
}

export class FaultySocket implements SocketLike {
  private readonly ws: WebSocket;
  private readonly listeners: Listeners = { open: new Set(), error: new Set(), message: new Set(), close: new Set() };

  constructor(url: string, private readonly options: FaultySocketOptions) {
    this.ws = new WebSocket(url, {
      headers: { [CHAOS_TAG_HEADER]: options.tag },
      // As ws's own netConnect, plus a look at the moment the TCP connection is up.
      createConnection: (connectOptions: ClientRequestArgs): Socket => {
        // ClientRequestArgs is wider than net's options (a port may be a string); ws passes what net takes.
        const socket = connect({ ...connectOptions, path: connectOptions.socketPath } as NetConnectOpts);
        socket.once("connect", () => options.observer.onTcpConnect());
        return socket;
      },
    });
    this.ws.on("open", () => this.listeners.open.forEach((listener) => listener()));
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      options.observer.onIncoming(text, () => this.listeners.message.forEach((listener) => listener({ data: text })));
    });
    // `ws` throws an error event nobody listens to; connection refusals while the server is down land here.
    this.ws.on("error", () => this.listeners.error.forEach((listener) => listener()));
    this.ws.on("close", (code) => {
      options.observer.onClose(code);
      this.listeners.close.forEach((listener) => listener({ code }));
    });
  }

  send(data: string): void {
    const swallowed = isAckText(data) && this.options.isSilent();
    this.options.observer.onOutgoing(data, swallowed);
    if (!swallowed) this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  /** Ends the TCP connection at once, without a Close frame: what a pulled cable looks like to the server. */
  terminate(): void {
    this.ws.terminate();
  }

  /**
   * Stops reading the socket (`ws.pause()` pauses the TCP socket underneath):
   * frames pile up in the kernel's buffers and then the server's, as on a
   * phone in a tunnel, until `resumeReading`.
   */
  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  get isConnecting(): boolean {
    return this.ws.readyState === WebSocket.CONNECTING;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number }) => void): void;
  addEventListener(
    type: keyof Listeners,
    listener: (() => void) | ((event: { data: unknown }) => void) | ((event: { code: number }) => void),
  ): void {
    // The overloads above tie each type to its listener shape.
    (this.listeners[type] as Set<typeof listener>).add(listener);
  }
}
