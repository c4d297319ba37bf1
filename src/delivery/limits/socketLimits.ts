/**
 * The limits on sockets the object keeps itself, because only it sees every
 * socket: frames per second per connection, and open sockets per address
 * group. Per-address limits on requests are the Worker's (src/worker/guard.ts),
 * which also decides who is exempt and passes the client's address group in
 * `CLIENT_GROUP_HEADER` (src/shared/clientGroup.ts; absent when exempt).
 * State is in memory: a flood keeps the object awake, so it does not
 * hibernate away, and a restart forgiving everyone is harmless.
 */
import { TokenBucket, type BucketPolicy } from "./tokenBucket";

/** A connection may send this many seconds' worth of frames at once. */
export const FRAME_BURST_SECONDS = 3;
/** A flooding connection hears about it at most this often. */
const NOTICE_INTERVAL_MS = 1_000;

export type FrameAdmission = "accept" | "refuse" | "refuse-and-notify" | "disconnect";

interface ConnectionFlow {
  bucket: TokenBucket;
  notifiedAt: number;
}

export class SocketLimits {
  private readonly flows = new WeakMap<WebSocket, ConnectionFlow>();
  /** Every connection's frame bucket follows this one policy (one object, not one per connection). */
  private readonly framePolicy: BucketPolicy;

  constructor(private readonly config: { framesPerSecond: number; connectionsPerAddress: number }) {
    this.framePolicy = { burst: config.framesPerSecond * FRAME_BURST_SECONDS, perSecond: config.framesPerSecond };
  }

  mayConnect(group: string | null, openFromGroup: number): boolean {
    return group === null || openFromGroup < this.config.connectionsPerAddress;
  }

  admitFrame(ws: WebSocket, now: number): FrameAdmission {
    let flow = this.flows.get(ws);
    if (!flow) {
      flow = { bucket: new TokenBucket(this.framePolicy, now), notifiedAt: Number.NEGATIVE_INFINITY };
      this.flows.set(ws, flow);
    }
    if (flow.bucket.take(now)) return "accept";
    if (flow.bucket.exhausted()) return "disconnect";
    if (now - flow.notifiedAt < NOTICE_INTERVAL_MS) return "refuse";
    flow.notifiedAt = now;
    return "refuse-and-notify";
  }
}
