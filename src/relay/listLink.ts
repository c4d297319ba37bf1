/**
 * A relay's link to its list's object: keeping the replica current (seeded
 * from the list on first use, entries applied in order, what it lacks asked
 * for when it sees a gap, or when it has viewers and is not sure it is
 * current: after waking, or after the list stopped feeding it), hearing the
 * list's title and the rest of the audience, reporting the relay's counts,
 * and noticing a list that no longer answers (a check-in when it has been
 * quiet for long, retries, and a bye to the viewers past the cut-off).
 */
import type { Engine } from "../delivery/engine";
import type { AlarmDuty } from "../delivery/platform/alarms";
import type { RoomUsage } from "../delivery/platform/usage";
import { CloseCode } from "../protocol/limits";
import type { RenamedFrame } from "../protocol/frames";
import type { LogEntry } from "../shared/logEntry";
import type { ListForRelays, RelayCounts } from "../shared/relayRpc";
import type { Replica } from "./replica";

/** The replica forgets what no session can still need once every this many entries. */
const PRUNE_EVERY_ENTRIES = 256;
/** A relay with viewers that has not heard from the list for this long asks it (a save or a head count usually comes first); rare, because it wakes a hibernating relay and the list. */
export const RELAY_CHECK_IN_MS = 5 * 60_000;
/** While the list does not answer, the relay asks again this often. */
export const RELAY_RECHECK_MS = 10_000;
/**
 * A relay that has not reached the list for this long says `bye` (close 4008)
 * to its viewers: they reconnect without resuming and get a fresh snapshot
 * once the list answers, instead of staying on a replica that no longer moves.
 */
export const RELAY_CUT_OFF_MS = 120_000;

/** What the list last told the relay, for its viewers: the list's title (for the welcome) and the rest of its audience. */
export class ListNews {
  title = "";
  others = 0;
}

export interface LinkParts {
  ctx: DurableObjectState;
  engine: Engine;
  replica: Replica;
  news: ListNews;
  usage: Pick<RoomUsage, "framesOut">;
  /** The list's object and this relay's number in it; null for an object whose name is not a relay's. */
  address: { list: () => DurableObjectStub<ListForRelays>; relay: number } | null;
  /** Whether the relay's storage is set up, and setting it up (once). */
  ready: () => boolean;
  setUp: () => void;
}

export class ListLink {
  /** Whether the list is known to feed this replica as it is; false after a wake until it has caught up once. */
  private current = false;
  /** A catch-up under way, shared by whoever needs the replica current meanwhile. */
  private catchingUp: Promise<boolean> | null = null;
  /** When the list last answered or called (a fresh instance counts from its start). */
  private lastContact = Date.now();
  /** Since when calls to the list have failed, or null while it answers. */
  private unreachableSince: number | null = null;
  /** The link's duty of the one alarm. */
  private readonly due: AlarmDuty;

  constructor(private readonly parts: LinkParts) {
    this.due = parts.engine.alarms.register("list-link", (now) => this.checkLink(now));
  }

  /** New log entries from the list, oldest first: applied in order, each delivered to the viewers here. */
  async apply(entries: LogEntry[]): Promise<void> {
    this.heard(Date.now());
    const { replica } = this.parts;
    if (!this.parts.ready() || !replica.seeded()) return;
    for (const entry of entries) {
      if (entry.pos <= replica.lastPos()) continue;
      if (entry.pos > replica.lastPos() + 1 && !(await this.catchUp())) break;
      this.applyOne(entry);
    }
  }

  /** The rest of the list's audience changed: the viewers here hear the new total. */
  hearOthers(others: number): void {
    this.heard(Date.now());
    if (others === this.parts.news.others) return;
    this.parts.news.others = others;
    this.parts.engine.headCount.changed(Date.now());
  }

  /** The list was renamed: the viewers here hear it at once, as the list's own do. */
  hearRenamed(title: string): void {
    this.heard(Date.now());
    this.parts.news.title = title;
    const { outbound, audience } = this.parts.engine;
    outbound.toEach(audience.open(), { type: "renamed", title } satisfies RenamedFrame);
  }

  /** Seeds the replica (first use) or catches it up; false when the list does not exist. */
  makeCurrent(): Promise<boolean> {
    if (this.current && this.parts.ready()) return Promise.resolve(true);
    return this.catchUp();
  }

  /** With viewers here, the link duty is due a check-in after the list was last heard from. */
  scheduleCheckIn(): void {
    if (this.parts.engine.audience.count() > 0) this.due.dueBy(this.lastContact + RELAY_CHECK_IN_MS);
  }

  /** The relay's counts, as it reports them. */
  counts(): RelayCounts {
    const { audience } = this.parts.engine;
    return { connections: audience.count(), people: audience.people(), framesOut: this.parts.usage.framesOut };
  }

  /** Tells the list this relay's counts (after each head count here); hears the rest of the audience back. */
  report(): void {
    const { address } = this.parts;
    if (address === null) return;
    address
      .list()
      .relayReport(address.relay, this.counts())
      .then((answer) => {
        this.hearOthers(answer.others); // which marks the list as heard from
        if (!answer.fed) {
          this.current = false;
          // Viewers here still need feeding: ask to be fed again.
          if (this.parts.engine.audience.count() > 0) void this.catchUp();
        }
      })
      .catch(() => {
        // The next head count reports again; the link duty notices if the list stays away.
        this.unreachable(Date.now());
      });
  }

  private applyOne(entry: LogEntry): void {
    const { ctx, replica, engine } = this.parts;
    const applied = ctx.storage.transactionSync(() => replica.apply(entry));
    if (!applied) return;
    engine.delivery.deliver(entry, Date.now());
    if (entry.pos % PRUNE_EVERY_ENTRIES === 0) replica.prune();
  }

  private catchUp(): Promise<boolean> {
    this.catchingUp ??= this.fetchMissing()
      .then(
        (ok) => (this.heard(Date.now()), ok),
        (error: unknown) => {
          this.unreachable(Date.now());
          throw error;
        },
      )
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private heard(now: number): void {
    this.lastContact = now;
    this.unreachableSince = null;
    this.scheduleCheckIn();
  }

  private unreachable(now: number): void {
    this.unreachableSince ??= now;
    this.current = false;
    this.due.dueBy(now + RELAY_RECHECK_MS);
  }

  /** The alarm's link duty: check in with a list quiet for long, retry one that failed, say bye past the cut-off. */
  private checkLink(now: number): number | null {
    const { audience, outbound } = this.parts.engine;
    if (audience.count() === 0) return null;
    if (this.unreachableSince !== null && now - this.unreachableSince >= RELAY_CUT_OFF_MS) {
      for (const [ws] of audience.open()) {
        outbound.closeWithBye(ws, CloseCode.AckTimeout, "this relay lost touch with the list; reconnect for a fresh snapshot");
      }
      return null;
    }
    if (this.unreachableSince === null && now - this.lastContact < RELAY_CHECK_IN_MS) return this.lastContact + RELAY_CHECK_IN_MS;
    this.catchUp().catch(() => {
      // Recorded by catchUp; the next check retries.
    });
    return now + RELAY_RECHECK_MS;
  }

  private async fetchMissing(): Promise<boolean> {
    const { replica, news, engine } = this.parts;
    const { list, relay } = this.parts.address!;
    if (!this.parts.ready() || !replica.seeded()) {
      const seed = await list().seedRelay(relay);
      if (seed === null) return false;
      news.others = seed.others;
      news.title = seed.title;
      this.parts.setUp();
      // Another call may have seeded it while we waited.
      if (!replica.seeded()) {
        this.parts.ctx.storage.transactionSync(() => replica.seed(seed));
        engine.delivery.readPosition();
      }
    }
    for (;;) {
      const answer = await list().entriesAfter(relay, replica.lastPos());
      if (!answer.ok) return false;
      this.hearOthers(answer.others);
      news.title = answer.title;
      for (const entry of answer.entries) if (entry.pos === replica.lastPos() + 1) this.applyOne(entry);
      if (answer.entries.length === 0 || replica.lastPos() >= answer.lastPos) break;
    }
    this.current = true;
    return true;
  }
}
