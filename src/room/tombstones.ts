/**
 * Removed items shrink to tombstones once no resume can need what is left of
 * them: a removal's text is erased at once, and `RESUME_WINDOW_MS` after it
 * the row loses its Idempotency-Key and times too (itemStore.ts), keeping
 * only what a cursor or the log needs (`pos`, `id`, `version`, `removed_at`).
 * By then every session that was away when the item was removed has had its
 * window to resume; a repeat of the removed item's save after that is a new
 * save. A duty of the object's one alarm (src/delivery/platform/alarms.ts),
 * which does nothing while the list's storage is not set up.
 */
import type { AlarmDuty, AlarmTable } from "../delivery/platform/alarms";
import type { ItemStore } from "./itemStore";

export class Tombstones {
  /** When the oldest removal still awaiting its tombstone is due; undefined until asked of storage. */
  private nextDue: number | null | undefined = undefined;
  private readonly due: AlarmDuty;

  constructor(
    private readonly items: ItemStore,
    alarms: AlarmTable,
    private readonly resumeWindowMs: number,
    /** Whether the list's storage is set up. */
    ready: () => boolean,
  ) {
    this.due = alarms.register("tombstones", (now) => (ready() ? this.onAlarm(now) : null));
  }

  /** An item was removed at `now`: its tombstone is due a resume window later. */
  removed(now: number): void {
    const due = now + this.resumeWindowMs;
    if (this.nextDue == null || due < this.nextDue) this.nextDue = due;
    this.due.dueBy(this.nextDue);
  }

  /** Learns, once per start, whether removals await their tombstones (read through an index). */
  resumeAfterStart(now: number): void {
    const next = this.onAlarm(now);
    if (next !== null) this.due.dueBy(next);
  }

  /** The alarm's duty: tombstones what is due and says when the next is. */
  onAlarm(now: number): number | null {
    if (this.nextDue === null || (this.nextDue !== undefined && now < this.nextDue)) return this.nextDue;
    const oldest = this.items.tombstoneRemovedBy(now - this.resumeWindowMs);
    this.nextDue = oldest === null ? null : oldest + this.resumeWindowMs;
    return this.nextDue;
  }
}
