/**
 * A list created and never written to is deleted 30 days after it was
 * created, storage and all, so lists made and forgotten (or made by the
 * thousand) do not stay for good. "Written to" is an item saved: a list
 * that ever held one is kept. The default list is never deleted. This is a
 * duty of the room's one alarm (alarm.ts): due at the list's creation plus
 * {@link UNUSED_LIST_LIFETIME_MS}, judged again whenever the alarm fires.
 */
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

export class UnusedList {
  /** Set when the alarm found the list due: the room then deletes it (an await the alarm's duties cannot make). */
  due = false;

  constructor(private readonly list: ListAge) {}

  /** The alarm's duty: notes a list past its time, and says when it is next due. */
  onAlarm(now: number): number | null {
    const at = deletionDue(this.list);
    if (at === null) return null;
    if (now < at) return at;
    this.due = true;
    return null;
  }
}
