import { describe, expect, it } from "vitest";
import { UNDO_WINDOW_MS, UndoWindow } from "../../../src/client/core/undoWindow";
import { ManualScheduler } from "../manualScheduler";

describe("the Undo window of a removal", () => {
  it("commits the removal only once the window closes", () => {
    const scheduler = new ManualScheduler();
    const committed: string[] = [];
    const window = new UndoWindow(scheduler);
    window.start("item-1", () => committed.push("item-1"));
    scheduler.advance(UNDO_WINDOW_MS - 1);
    expect(committed).toEqual([]);
    scheduler.advance(1);
    expect(committed).toEqual(["item-1"]);
    expect(window.undo("item-1")).toBe(false);
  });

  it("Undo within the window commits nothing, ever", () => {
    const scheduler = new ManualScheduler();
    const committed: string[] = [];
    const window = new UndoWindow(scheduler);
    window.start("item-1", () => committed.push("item-1"));
    scheduler.advance(UNDO_WINDOW_MS / 2);
    expect(window.undo("item-1")).toBe(true);
    scheduler.advance(UNDO_WINDOW_MS * 10);
    window.commitAll();
    expect(committed).toEqual([]);
    expect(scheduler.pendingTimers()).toBe(0);
  });

  it("a page going away commits what is still waiting, once", () => {
    const scheduler = new ManualScheduler();
    const committed: string[] = [];
    const window = new UndoWindow(scheduler);
    window.start("item-1", () => committed.push("item-1"));
    window.start("item-1", () => committed.push("again"));
    window.start("item-2", () => committed.push("item-2"));
    window.commitAll();
    scheduler.advance(UNDO_WINDOW_MS);
    expect(committed).toEqual(["item-1", "item-2"]);
  });
});
