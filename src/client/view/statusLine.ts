/**
 * The connection status as people read it: "opening connection", "no
 * connection... retrying in 4 s · 3 changes waiting" (with Retry now),
 * "catching up", or a quiet "live" mark; and, when the server's rate limit
 * holds changes back, for how long. While the page shows a copy saved on
 * the device it says "catching up" from the start, since what is shown may be out of date.
 * When a new version of the page is out it offers "Reload to update".
 * `#statusmessage` holds the words, as in the seed. Beside it, while
 * connected, the head count ("3 here").
 */
import type { ConnectionStatus } from "../core/liveConnection";
import { showNote } from "./pageElements";

export interface StatusElements {
  message: HTMLElement;
  retryNow: HTMLButtonElement;
  liveMark: HTMLElement;
  presence: HTMLElement;
  reloadToUpdate: HTMLButtonElement;
}

/**
 * The head count as people read it. The count is of open pages, this one
 * included, so alone it says nothing: "1 here" would only ever mean "you".
 *
 * @example
 * presenceText(3) // "3 here"
 * presenceText(1) // ""
 */
export function presenceText(count: number | null): string {
  return count !== null && count > 1 ? `${count} here` : "";
}

/** What the outbox holds: how many changes wait, and until when the server's rate limit holds them (null: it does not). */
export interface Waiting {
  count: number;
  heldUntil: number | null;
}

const NOTHING_WAITING: Waiting = { count: 0, heldUntil: null };

/**
 * @example
 * statusText({ state: "down", retryAt: 4_000 }, 0, false, { count: 3, heldUntil: null }) // "no connection... retrying in 4 s · 3 changes waiting"
 * statusText({ state: "live" }, 0, false, { count: 1, heldUntil: 40_000 }) // "Waiting 40 s: too many changes from this network"
 */
export function statusText(status: ConnectionStatus, now: number, showingSavedCopy = false, waiting = NOTHING_WAITING): string {
  const { count, heldUntil } = waiting;
  const connection = connectionText(status, now, showingSavedCopy);
  if (status.state !== "down" && heldUntil !== null && heldUntil > now) {
    return `Waiting ${Math.ceil((heldUntil - now) / 1000)} s: too many changes from this network`;
  }
  if (connection === "" || count === 0 || status.state === "outdated") return connection;
  return `${connection} · ${count} ${count === 1 ? "change" : "changes"} waiting`;
}

function connectionText(status: ConnectionStatus, now: number, showingSavedCopy: boolean): string {
  switch (status.state) {
    case "connecting":
      return showingSavedCopy ? "catching up" : "opening connection";
    case "catching-up":
      return "catching up";
    case "live":
      return "";
    case "down": {
      const seconds = Math.ceil((status.retryAt - now) / 1000);
      return seconds > 0 ? `no connection... retrying in ${seconds} s` : "no connection... retrying";
    }
    case "outdated":
      return "a new version is out";
  }
}

export class StatusLine {
  #status: ConnectionStatus = { state: "connecting" };
  #ticker: ReturnType<typeof setInterval> | null = null;
  #showingSavedCopy = false;
  #updateReady = false;
  /** The last count heard on the current connection; unknown while there is none. */
  #presenceCount: number | null = null;
  #waiting = NOTHING_WAITING;

  readonly #elements: StatusElements;

  constructor(elements: StatusElements) {
    this.#elements = elements;
  }

  show(status: ConnectionStatus): void {
    this.#status = status;
    if (status.state === "connecting" || status.state === "down") this.#presenceCount = null;
    this.#paint();
  }

  /** What the outbox holds, or until when the server holds it back. */
  showWaiting(waiting: Partial<Waiting>): void {
    this.#waiting = { ...this.#waiting, ...waiting };
    this.#paint();
  }

  showPresence(count: number): void {
    this.#presenceCount = count;
    this.#paint();
  }

  /** The list shown came from the device, not (yet) from the server. */
  showingSaved(saved: boolean): void {
    this.#showingSavedCopy = saved;
    this.#paint();
  }

  /** A new version of the page is installed and waiting. */
  offerUpdate(): void {
    this.#updateReady = true;
    this.#paint();
  }

  #paint(): void {
    const { message, retryNow, liveMark, presence, reloadToUpdate } = this.#elements;
    // Counting down: to the next try, or to the end of the server's hold.
    const counting = this.#status.state === "down" || this.#waiting.heldUntil !== null;
    if (counting && this.#ticker === null) this.#ticker = setInterval(() => this.#paint(), 1000);
    if (!counting && this.#ticker !== null) {
      clearInterval(this.#ticker);
      this.#ticker = null;
    }
    showNote(presence, presenceText(this.#presenceCount));
    message.textContent = statusText(this.#status, Date.now(), this.#showingSavedCopy, this.#waiting);
    retryNow.hidden = this.#status.state !== "down";
    liveMark.hidden = this.#status.state !== "live";
    reloadToUpdate.hidden = !this.#updateReady && this.#status.state !== "outdated";
  }
}
