/**
 * The limits that keep one client from taking the room down: frames per
 * second per connection, saves per minute per address, open connections per
 * address. State is in memory: a flood keeps the object awake, so it does not
 * hibernate away, and a restart forgiving everyone is harmless.
 * Loopback addresses (local development) are exempt; see {@link isLoopback}.
 */
import type { RoomConfig } from "./config";
import { isLoopback, KeyedBuckets, TokenBucket } from "./rateLimit";

/** Addresses remembered for save limits; the least recently seen are forgotten first. */
const TRACKED_ADDRESSES = 10_000;
export const SAVE_BURST = 10;
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
  private readonly saves: KeyedBuckets;
  private readonly flows = new WeakMap<WebSocket, ConnectionFlow>();

  constructor(private readonly config: RoomConfig) {
    this.saves = new KeyedBuckets({ burst: SAVE_BURST, perSecond: config.savesPerMinute / 60 }, TRACKED_ADDRESSES);
  }

  /** 0 when the save may go ahead; otherwise how long to wait, in ms. */
  saveDelay(address: string | null, now: number): number {
    if (address === null || isLoopback(address)) return 0;
    const bucket = this.saves.get(address, now);
    return bucket.take(now) ? 0 : Math.max(1, bucket.msUntilToken(now));
  }

  mayConnect(address: string | null, openFromAddress: number): boolean {
    return address === null || isLoopback(address) || openFromAddress < this.config.connectionsPerAddress;
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

/** The tag that groups a connection's socket with others from its address. */
export function addressTag(address: string): string {
  return `addr:${address}`;
}
