/**
 * The client end of a WebSocket, driven by the test: it records what the
 * client sends and lets the test deliver frames and closes. The server side
 * is tested against the real ListRoom in test/room and test/e2e.
 */
import type { SocketLike } from "../../src/client/core/liveConnection";
import type { ServerFrame } from "../../src/protocol/frames";

type Listener = (event: never) => void;

export class ScriptedSocket implements SocketLike {
  readonly sent: unknown[] = [];
  closedByClient: number | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedByClient = code;
  }

  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (e: unknown) => void)(event);
  }

  open(): void {
    this.emit("open", {});
  }

  deliver(...frames: ServerFrame[]): void {
    for (const frame of frames) this.emit("message", { data: JSON.stringify(frame) });
  }

  serverClose(code: number): void {
    this.emit("close", { code });
  }

  acks(): number[] {
    return this.sent.flatMap((frame) => {
      const { type, seq } = frame as { type: string; seq?: number };
      return type === "ack" && seq !== undefined ? [seq] : [];
    });
  }

  pings(): number {
    return this.sent.filter((frame) => (frame as { type: string }).type === "ping").length;
  }
}
