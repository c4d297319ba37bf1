/**
 * The limits the room keeps itself, because only the one object sees every
 * request: frames per second per connection, open sockets per address group,
 * and a ceiling on saves to the whole list so that no set of addresses can
 * flood it. Per-address limits on requests are the Worker's (src/worker/guard.ts),
 * which also decides who is exempt and passes the client's address group in
 * `CLIENT_GROUP_HEADER` (src/shared/clientGroup.ts) or as `addItem`'s argument (null when exempt).
 * State is in memory: a flood keeps the object awake, so it does not
 * hibernate away, and a restart forgiving everyone is harmless.
 */
import type { RoomConfig } from "./config";
import { TokenBucket } from "./rateLimit";

/** The list-wide ceiling lets this many seconds' worth of saves through at once. */
export const LIST_SAVE_BURST_SECONDS = 10;
/** A connection may send this many seconds' worth of frames at once. */
export const FRAME_BURST_SECONDS = 3;
/** A flooding connection hears about it at most this often. */
const NOTICE_INTERVAL_MS = 1_000;

export type FrameAdmission = "accept" | "refuse" | "refuse-and-notify" | "disconnect";

interface ConnectionFlow {
  bucket: TokenBucket;
  notifiedAt: number;
}

export class AbuseLimits {
  private readonly listSaves: TokenBucket;
  private readonly flows = new WeakMap<WebSocket, ConnectionFlow>();

  constructor(
    private readonly config: RoomConfig,
    now: number,
  ) {
    const perSecond = config.listSavesPerMinute / 60;
    this.listSaves = new TokenBucket({ burst: Math.max(1, Math.round(perSecond * LIST_SAVE_BURST_SECONDS)), perSecond }, now);
  }

  /** 0 when a save from `group` may go ahead (null: exempt); otherwise how long to wait, in ms. */
  saveDelay(group: string | null, now: number): number {
    if (group === null) return 0;
    return this.listSaves.take(now) ? 0 : Math.max(1, this.listSaves.msUntilToken(now));
  }

  mayConnect(group: string | null, openFromGroup: number): boolean {
    return group === null || openFromGroup < this.config.connectionsPerAddress;
  }

  admitFrame(ws: WebSocket, now: number): FrameAdmission {
    let flow = this.flows.get(ws);
    if (!flow) {
      const policy = { burst: this.config.framesPerSecond * FRAME_BURST_SECONDS, perSecond: this.config.framesPerSecond };
      flow = { bucket: new TokenBucket(policy, now), notifiedAt: Number.NEGATIVE_INFINITY };
      this.flows.set(ws, flow);
    }
    if (flow.bucket.take(now)) return "accept";
    if (flow.bucket.exhausted()) return "disconnect";
    if (now - flow.notifiedAt < NOTICE_INTERVAL_MS) return "refuse";
    flow.notifiedAt = now;
    return "refuse-and-notify";
  }
}
