/**
 * A ceiling on saves to the whole list, kept by the list's object because
 * only it sees every save, so that no set of addresses can flood it. The
 * Worker decides who is exempt and passes the client's address group as
 * `addItem`'s argument (null when exempt; src/worker/clientAddress.ts).
 * State is in memory: a flood keeps the object awake, so it does not
 * hibernate away, and a restart forgiving everyone is harmless.
 *
 * The ceiling leaves room for everyone: one address group may take at most a
 * share of it ({@link GROUP_SHARE}: its own bucket, a quarter of the list's
 * burst and rate), and the last share of the list's burst is held for groups
 * that have not saved lately (whose own bucket is full). So neither one group
 * nor a crowd of groups that keep saving can leave a newcomer with a 429;
 * only many groups that each save for the first time can.
 */
import { TokenBucket, type BucketPolicy } from "../delivery/limits/tokenBucket";

/** The list-wide ceiling lets this many seconds' worth of saves through at once. */
export const LIST_SAVE_BURST_SECONDS = 10;
/** The part of the list-wide ceiling one address group may use, and the part held back for groups that have not saved lately. */
export const GROUP_SHARE = 1 / 4;
/** Past this many groups tracked, those whose bucket has refilled are forgotten (they would start full anyway). */
const GROUPS_TRACKED = 4_096;

export class SaveLimit {
  private readonly listSaves: TokenBucket;
  private readonly listBurst: number;
  private readonly groupPolicy: BucketPolicy;
  private readonly groupSaves = new Map<string, TokenBucket>();

  constructor(listSavesPerMinute: number, now: number) {
    const perSecond = listSavesPerMinute / 60;
    this.listBurst = Math.max(1, Math.round(perSecond * LIST_SAVE_BURST_SECONDS));
    this.listSaves = new TokenBucket({ burst: this.listBurst, perSecond }, now);
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
}
