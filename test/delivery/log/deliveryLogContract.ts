/**
 * One behaviour for every {@link DeliveryLog}: the in-memory log
 * (memoryLog.unit.test.ts, in Node), the list's SQLite store
 * (test/room/itemStore.test.ts) and a relay's replica
 * (test/relay/replica.test.ts), both inside workerd. Delivery derives every
 * frame from these answers, so a log that answered differently would send
 * different frames. Each caller passes a factory that runs a test body on a
 * fresh, empty log of its kind, with a way to write to it as its owner does.
 */
import { describe, expect, it } from "vitest";
import type { DeliveryLog } from "../../../src/delivery/log/deliveryLog";
import { PAGE_ITEMS_MAX_BYTES } from "../../../src/protocol/limits";
import type { LogEntry } from "../../../src/shared/logEntry";

/** A log under test, and how its owner writes to it: each call takes the next position. */
export interface WritableLog {
  log: DeliveryLog;
  save(title: string, body: string, at: number): LogEntry;
  /** Retitles the item saved at `itemPos`. */
  edit(itemPos: number, title: string, at: number): LogEntry;
  remove(itemPos: number, at: number): LogEntry;
}

/** Runs `test` on a fresh, empty log (inside its object, for a log in SQLite). */
export type WithLog = (test: (subject: WritableLog) => void) => Promise<void>;

export function deliveryLogContract(name: string, withLog: WithLog): void {
  describe(`${name} as a delivery log`, () => {
    it("is empty at position 0, with no entries and an empty page", async () => {
      await withLog(({ log }) => {
        expect(log.lastPos()).toBe(0);
        expect([...log.range(1, 10)]).toEqual([]);
        expect(log.entryAt(1)).toBeNull();
        expect(log.pageBelow(1, 10)).toEqual({ items: [], hasOlder: false });
      });
    });

    it("numbers saves, edits and removals one position each, without gaps", async () => {
      await withLog(({ log, save, edit, remove }) => {
        const first = save("first", "", 1_000);
        const second = save("second", "", 2_000);
        const edited = edit(first.pos, "first, edited", 3_000);
        const removed = remove(second.pos, 4_000);
        expect([first.pos, second.pos, edited.pos, removed.pos]).toEqual([1, 2, 3, 4]);
        expect([first.kind, second.kind, edited.kind, removed.kind]).toEqual(["item", "item", "edited", "removed"]);
        expect(log.lastPos()).toBe(4);
      });
    });

    it("reads each entry with its item as it is now: an edit shows at its save, a removal leaves no text anywhere", async () => {
      await withLog(({ log, save, edit, remove }) => {
        const kept = save("kept", "body", 1_000);
        const gone = save("gone", "secret", 2_000);
        edit(kept.pos, "kept, edited", 3_000);
        remove(gone.pos, 4_000);
        const entries = [...log.range(1, 4)];
        expect(entries.map((entry) => [entry.pos, entry.kind, entry.itemId, entry.item?.title ?? null])).toEqual([
          [1, "item", kept.itemId, "kept, edited"],
          [2, "item", gone.itemId, null],
          [3, "edited", kept.itemId, "kept, edited"],
          [4, "removed", gone.itemId, null],
        ]);
        expect(entries[0]!.item).toMatchObject({ body: "body", version: 2 });
        expect(JSON.stringify(entries)).not.toContain("secret");
      });
    });

    it("reads a range oldest first, only as far as the log goes, and as far as the caller reads", async () => {
      await withLog(({ log, save }) => {
        for (let n = 1; n <= 5; n++) save(`item ${n}`, "", n * 1_000);
        expect([...log.range(2, 4)].map((entry) => entry.pos)).toEqual([2, 3, 4]);
        expect([...log.range(4, 99)].map((entry) => entry.pos)).toEqual([4, 5]);
        expect([...log.range(6, 9)]).toEqual([]);
        const reader = log.range(1, 5)[Symbol.iterator]();
        expect(reader.next().value?.pos).toBe(1);
        reader.return?.();
      });
    });

    it("says when each entry was made, and null past the end", async () => {
      await withLog(({ log, save, edit }) => {
        const saved = save("timed", "", 5_000);
        edit(saved.pos, "timed again", 7_000);
        expect([log.entryAt(1), log.entryAt(2), log.entryAt(3)]).toEqual([5_000, 7_000, null]);
      });
    });

    it("pages live items newest first below a position, at most the limit, saying whether older ones exist", async () => {
      await withLog(({ log, save, remove }) => {
        for (let n = 1; n <= 4; n++) save(`item ${n}`, "", n * 1_000);
        remove(2, 5_000);
        const titles = (page: { items: Array<{ title: string }> }) => page.items.map((item) => item.title);
        const newest = log.pageBelow(log.lastPos() + 1, 2);
        expect([titles(newest), newest.hasOlder]).toEqual([["item 4", "item 3"], true]);
        const below = log.pageBelow(3, 2);
        expect([titles(below), below.hasOlder]).toEqual([["item 1"], false]);
        const all = log.pageBelow(log.lastPos() + 1, 10);
        expect([titles(all), all.hasOlder]).toEqual([["item 4", "item 3", "item 1"], false]);
      });
    });

    it("cuts a page to fit one frame, but always holds one item when there is one", async () => {
      await withLog(({ log, save }) => {
        const third = Math.floor(PAGE_ITEMS_MAX_BYTES / 3);
        for (let n = 1; n <= 3; n++) save(`item ${n}`, "x".repeat(third), n * 1_000);
        const page = log.pageBelow(log.lastPos() + 1, 10);
        expect([page.items.map((item) => item.title), page.hasOlder]).toEqual([["item 3", "item 2"], true]);
        save("huge", "y".repeat(PAGE_ITEMS_MAX_BYTES), 4_000);
        const alone = log.pageBelow(log.lastPos() + 1, 10);
        expect([alone.items.map((item) => item.title), alone.hasOlder]).toEqual([["huge"], true]);
      });
    });
  });
}
