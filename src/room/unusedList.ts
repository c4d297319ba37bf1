/**
 * A list created and never written to is deleted 30 days after it was
 * created, storage and all, so lists made and forgotten (or made by the
 * thousand) do not stay for good. "Written to" is an item saved: a list
 * that ever held one is kept. The default list is never deleted. This is a
 * duty of the object's one alarm (src/delivery/platform/alarms.ts): due at
 * the list's creation plus {@link UNUSED_LIST_LIFETIME_MS}, judged again
 * whenever the alarm fires.
 */
import type { AlarmDuty, AlarmTable } from "../delivery/platform/alarms";
import type { Outbound } from "../delivery/sockets/outbound";
import { CloseCode } from "../protocol/limits";

export const UNUSED_LIST_LIFETIME_MS = 30 * 86_400_000;

export interface ListAge {
  /** When the list was created (ms since epoch), or null for a list that is not there (or never expires). */
  createdAt(): number | null;
  /** Whether any item was ever saved to it. */
  written(): boolean;
}

/**
 * When the unused list is due to be deleted: null when it never will be
 * (written to, or not there), else its time, which may have passed.
 *
 * @example
 * deletionDue({ createdAt: () => 0, written: () => false }) // 2_592_000_000
 */
export function deletionDue(list: ListAge): number | null {
  const createdAt = list.createdAt();
  return createdAt === null || list.written() ? null : createdAt + UNUSED_LIST_LIFETIME_MS;
}

export interface UnusedListParts {
  ctx: DurableObjectState;
  outbound: Outbound;
  /** The object's one alarm: the duty is registered there, and the alarm reloaded after the deletion. */
  alarms: AlarmTable & { load(): Promise<void> };
  list: ListAge;
}

export class UnusedList {
  /** Set when the alarm found the list due: the room then deletes it (an await the alarm's duties cannot make). */
  due = false;
  private readonly list: ListAge;
  private readonly deletion: AlarmDuty;

  constructor(private readonly parts: UnusedListParts) {
    this.list = parts.list;
    this.deletion = parts.alarms.register("unused-list", (now) => this.onAlarm(now));
  }

  /** Asks the alarm for the deletion, when the list is one that will be deleted. */
  scheduleIfUnused(): void {
    const due = deletionDue(this.list);
    if (due !== null) this.deletion.dueBy(due);
  }

  /** Deletes the list, storage and all; its sockets are told. The room answers "no such list" from then on. */
  async deleteList(): Promise<void> {
    const { ctx, outbound, alarms } = this.parts;
    for (const ws of ctx.getWebSockets()) {
      outbound.closeWithBye(ws, CloseCode.GoingAway, "this list was deleted: nothing was saved to it in 30 days");
    }
    await ctx.storage.deleteAlarm();
    await ctx.storage.deleteAll();
    await alarms.load();
    this.due = false;
  }

  /** The alarm's duty: notes a list past its time, and says when it is next due. */
  onAlarm(now: number): number | null {
    const at = deletionDue(this.list);
    if (at === null) return null;
    if (now < at) return at;
    this.due = true;
    return null;
  }
}
