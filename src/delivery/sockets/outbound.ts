/** Everything the object sends on its sockets goes through here, so frames are encoded one way and counted. */
import type { ErrorCode } from "../../protocol/errors";
import type { ByeFrame, ErrorFrame, ServerFrame } from "../../protocol/frames";
import type { CloseCode } from "../../protocol/limits";
import type { RoomUsage } from "../platform/usage";

export class Outbound {
  constructor(
    private readonly usage: Pick<RoomUsage, "framesOut">,
    /** Told of every close the server starts, before the socket's close event (audience.ts). */
    private readonly onClosing: (ws: WebSocket) => void = () => {},
  ) {}

  frame(ws: WebSocket, frame: ServerFrame): void {
    this.text(ws, JSON.stringify(frame));
  }

  error(ws: WebSocket, code: ErrorCode, message: string): void {
    this.frame(ws, { type: "error", code, message } satisfies ErrorFrame);
  }

  /** Every close the server starts is announced, so the client acts at once rather than when TCP ends. */
  closeWithBye(ws: WebSocket, code: CloseCode, reason: string): void {
    this.frame(ws, { type: "bye", code, reason } satisfies ByeFrame);
    this.onClosing(ws);
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  /** One frame to every socket given (the audience's open ones), encoded once. */
  toEach(sockets: Iterable<readonly [WebSocket, unknown]>, frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    for (const [ws] of sockets) this.text(ws, text);
  }

  text(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
      this.usage.framesOut++;
    } catch {
      // The socket closed under us; its close handler does the bookkeeping.
    }
  }
}
