/**
 * Removals wait out an Undo window before they are queued: the item shows
 * "Removed “title” · Undo", and only when the window closes does the removal go to
 * the outbox (and so to the server). Undo within the window sends nothing.
 * A page that goes away mid-window commits what is waiting: the person
 * removed it and did not take it back.
 */
import type { Scheduler } from "./liveConnection";

/** How long "Removed “title” · Undo" shows before the removal goes out. */
export const UNDO_WINDOW_MS = 5_000;

export class UndoWindow {
  readonly #waiting = new Map<string, { timer: unknown; commit: () => void }>();

  readonly #scheduler: Scheduler;

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  /** Starts the window for `itemId`; `commit` runs when it closes, unless undone first. */
  start(itemId: string, commit: () => void): void {
    if (this.#waiting.has(itemId)) return;
    const timer = this.#scheduler.setTimeout(() => this.#commit(itemId), UNDO_WINDOW_MS);
    this.#waiting.set(itemId, { timer, commit });
  }

  /** Takes the removal back; false when its window had already closed. */
  undo(itemId: string): boolean {
    const waiting = this.#waiting.get(itemId);
    if (!waiting) return false;
    this.#scheduler.clearTimeout(waiting.timer);
    this.#waiting.delete(itemId);
    return true;
  }

  /** Closes every window now (the page is going away). */
  commitAll(): void {
    for (const itemId of [...this.#waiting.keys()]) this.#commit(itemId);
  }

  #commit(itemId: string): void {
    const waiting = this.#waiting.get(itemId);
    if (!waiting) return;
    this.#scheduler.clearTimeout(waiting.timer);
    this.#waiting.delete(itemId);
    waiting.commit();
  }
}
