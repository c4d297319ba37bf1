/**
 * The head count by browser: the page sends a random per-browser id with its
 * socket (`browser`, docs/PROTOCOL.md), so one person with two tabs counts
 * once, while a socket without one (a third-party client) counts on its own.
 * Kept as sockets arrive and leave, O(1) each: a crowd is never rescanned.
 *
 * @example
 * const count = new BrowserCount();
 * count.add("tab-a-and-b"); count.add("tab-a-and-b"); count.add(null);
 * count.size // 2
 */
export class BrowserCount {
  private withoutId = 0;
  /** Open sockets per browser id; a browser leaves the map with its last socket. */
  private readonly socketsOf = new Map<string, number>();

  /** A socket of this browser (null: it named none) is open. */
  add(browserId: string | null): void {
    if (browserId === null) this.withoutId++;
    else this.socketsOf.set(browserId, (this.socketsOf.get(browserId) ?? 0) + 1);
  }

  /** A socket counted by {@link add} with the same id is no longer open. */
  remove(browserId: string | null): void {
    if (browserId === null) {
      this.withoutId = Math.max(0, this.withoutId - 1);
      return;
    }
    const left = (this.socketsOf.get(browserId) ?? 1) - 1;
    if (left > 0) this.socketsOf.set(browserId, left);
    else this.socketsOf.delete(browserId);
  }

  /** Distinct browsers, plus one for every socket that named none. */
  get size(): number {
    return this.withoutId + this.socketsOf.size;
  }
}
