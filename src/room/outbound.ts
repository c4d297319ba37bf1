/** Everything the room sends goes through here, so frames are encoded one way and counted. */
import type { ErrorCode } from "../protocol/errors";
import type { ErrorFrame, ServerFrame } from "../protocol/frames";
import type { RoomUsage } from "./usage";

export class Outbound {
  constructor(private readonly usage: Pick<RoomUsage, "framesOut">) {}

  frame(ws: WebSocket, frame: ServerFrame): void {
    this.text(ws, JSON.stringify(frame));
  }

  error(ws: WebSocket, code: ErrorCode, message: string): void {
    this.frame(ws, { type: "error", code, message } satisfies ErrorFrame);
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
