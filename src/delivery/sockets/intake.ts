/**
 * What a client's frame goes through before it does anything: the
 * per-connection rate limit, the size limit, text only, one parse at the
 * boundary (protocol/frames.ts), pings answered, and acks handed to delivery.
 */
import { ErrorCode } from "../../protocol/errors";
import { PONG_TEXT, parseClientFrame } from "../../protocol/frames";
import { CLIENT_FRAME_MAX_BYTES, CloseCode } from "../../protocol/limits";
import type { SocketLimits } from "../limits/socketLimits";
import type { RoomUsage } from "../platform/usage";
import type { Outbound } from "./outbound";

export interface IntakeParts {
  limits: SocketLimits;
  outbound: Outbound;
  config: { framesPerSecond: number };
  usage: Pick<RoomUsage, "framesIn">;
  /** Where acks go. */
  delivery: { acknowledge(ws: WebSocket, seq: number, now: number): void };
}

export class Intake {
  constructor(private readonly parts: IntakeParts) {}

  receive(ws: WebSocket, message: string | ArrayBuffer, now: number): void {
    const { limits, outbound } = this.parts;
    this.parts.usage.framesIn++;
    switch (limits.admitFrame(ws, now)) {
      case "accept":
        break;
      case "refuse":
        return;
      case "refuse-and-notify":
        outbound.error(ws, ErrorCode.RateLimited, `slow down: at most ${this.parts.config.framesPerSecond} frames a second`);
        return;
      case "disconnect":
        outbound.closeWithBye(ws, CloseCode.PolicyViolation, "too many frames");
        return;
    }
    if (isOverFrameLimit(message)) {
      outbound.closeWithBye(ws, CloseCode.MessageTooBig, `frames are limited to ${CLIENT_FRAME_MAX_BYTES} bytes`);
      return;
    }
    if (typeof message !== "string") {
      outbound.error(ws, ErrorCode.BinaryFrame, "frames must be JSON text, not binary");
      return;
    }
    const parsed = parseClientFrame(message);
    if (!parsed.ok) {
      outbound.error(ws, parsed.code, parsed.message);
      return;
    }
    if (parsed.frame.type === "ping") {
      // The auto-response answers the exact ping text without waking us;
      // other spellings of the same frame land here.
      outbound.text(ws, PONG_TEXT);
      return;
    }
    this.parts.delivery.acknowledge(ws, parsed.frame.seq, now);
  }
}

function isOverFrameLimit(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > CLIENT_FRAME_MAX_BYTES;
  // A UTF-16 unit takes one to three bytes in UTF-8, so most frames are
  // decided without encoding them.
  if (message.length > CLIENT_FRAME_MAX_BYTES) return true;
  if (message.length * 3 <= CLIENT_FRAME_MAX_BYTES) return false;
  return new TextEncoder().encode(message).byteLength > CLIENT_FRAME_MAX_BYTES;
}
