/**
 * The limits the room keeps itself, because only the one object sees every
 * request: frames per second per connection, open sockets per address group,
 * and a ceiling on saves to the whole list so that no set of addresses can
 * flood it. Per-address limits on requests are the Worker's (src/worker/guard.ts),
 * which also decides who is exempt and passes the client's address group in
 * `CLIENT_GROUP_HEADER` (src/shared/clientGroup.ts) or as `addItem`'s argument (null when exempt).
 * State is in memory: a flood keeps the object awake, so it does not
 * hibernate away, and a restart forgiving everyone is harmless.
 *
 * The list-wide ceiling leaves room for everyone: one address group may take
 * at most a share of it ({@link GROUP_SHARE}: its own bucket, a quarter of the
 * list's burst and rate), and the last share of the list's burst is held for
 * groups that have not saved lately (whose own bucket is full). So neither
 * one group nor a crowd of groups that keep saving can leave a newcomer with
 * a 429; only many groups that each save for the first time can.
 */
import type { RoomConfig } from "./config";
import { TokenBucket, type BucketPolicy } from "./rateLimit";

/** The list-wide ceiling lets this many seconds' worth of saves through at once. */
export const LIST_SAVE_BURST_SECONDS = 10;
/** The part of the list-wide ceiling one address group may use, and the part held back for groups that have not saved lately. */
export const GROUP_SHARE = 1 / 4;
/** Past this many groups tracked, those whose bucket has refilled are forgotten (they would start full anyway). */
const GROUPS_TRACKED = 4_096;
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
  private readonly listBurst: number;
  private readonly groupPolicy: BucketPolicy;
  private readonly groupSaves = new Map<string, TokenBucket>();
  private readonly flows = new WeakMap<WebSocket, ConnectionFlow>();
  /** Every connection's frame bucket follows this one policy (one object, not one per connection). */
  private readonly framePolicy: BucketPolicy;

  constructor(
    private readonly config: RoomConfig,
    now: number,
  ) {
    const perSecond = config.listSavesPerMinute / 60;
    this.listBurst = Math.max(1, Math.round(perSecond * LIST_SAVE_BURST_SECONDS));
    this.listSaves = new TokenBucket({ burst: this.listBurst, perSecond }, now);
    this.framePolicy = { burst: config.framesPerSecond * FRAME_BURST_SECONDS, perSecond: config.framesPerSecond };
    this.groupPolicy = { burst: Math.max(1, Math.floor(this.listBurst * GROUP_SHARE)), perSecond: perSecond * GROUP_SHARE };
  }

  /**
   * 0 when a save from `group` may go ahead (null: exempt); otherwise how
   * long to wait, in ms. A refused save takes nothing from the list's bucket.
   */
  saveDelay(group: string | null, now: number): number {
    if (group === null) return 0;
    const own = this.groupBucket(group, now);
    const newcomer = own.full(now);
    if (!own.take(now)) return Math.max(1, own.msUntilToken(now));
    // Groups that saved lately leave the reserve to those that have not.
    const reserve = newcomer ? 0 : Math.floor(this.listBurst * GROUP_SHARE);
    if (this.listSaves.takeAbove(reserve, now)) return 0;
    own.giveBack();
    return Math.max(1, this.listSaves.msUntilAbove(reserve, now));
  }

  private groupBucket(group: string, now: number): TokenBucket {
    let bucket = this.groupSaves.get(group);
    if (!bucket) {
      if (this.groupSaves.size >= GROUPS_TRACKED) {
        for (const [known, kept] of this.groupSaves) if (kept.full(now)) this.groupSaves.delete(known);
      }
      bucket = new TokenBucket(this.groupPolicy, now);
      this.groupSaves.set(group, bucket);
    }
    return bucket;
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
