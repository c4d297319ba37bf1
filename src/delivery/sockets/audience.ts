/**
 * Who is connected: the open sockets with their state, how many there are,
 * and how many come from one address group. Sockets are the platform's
 * (hibernation API); asking it for all of them on every arrival would make
 * a crowd of N cost O(N²), so the counts are kept here as sockets arrive and
 * leave, and rebuilt once from `ctx.getWebSockets()` after a wake.
 *
 * Two counts, because they answer different questions: the head count is of
 * open sockets (one the server is closing no longer counts), by browser
 * (browserCount.ts: a browser's tabs count once), while the per-address cap
 * counts every socket the platform still holds for the address, closing ones
 * included, until its close event.
 */
import { addressTag } from "../../shared/clientGroup";
import { BrowserCount } from "./browserCount";
import type { ConnectionState, ConnectionStates } from "./connection";

const ADDRESS_TAG_PREFIX = addressTag("");

interface Counts {
  /** Open sockets that have their state, each with the browser id it named (null: none). */
  open: Map<WebSocket, string | null>;
  /** The head count: the open sockets' distinct browsers. */
  people: BrowserCount;
  /** Sockets the platform holds per address group. */
  perGroup: Map<string, number>;
  /** Each held socket's address group, so it is counted out once. */
  groupOf: WeakMap<WebSocket, string>;
}

export class Audience {
  /** Null until first used after a wake. */
  private counts: Counts | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly states: ConnectionStates,
  ) {}

  /** Open sockets with their state; closing ones (after a drop or takeover) are left out. */
  *open(): Generator<[WebSocket, ConnectionState]> {
    const counts = this.known();
    for (const ws of counts.open.keys()) {
      const state = ws.readyState === WebSocket.OPEN ? this.states.get(ws) : null;
      if (state) yield [ws, state];
      // Closed under us without a close event yet: it stops counting now.
      else leaveOpen(counts, ws);
    }
  }

  /** How many sockets are open. */
  count(): number {
    return this.known().open.size;
  }

  /** The head count: how many browsers have a socket open (sockets naming no browser count one each). */
  people(): number {
    return this.known().people.size;
  }

  /** How many sockets from this address group the platform still holds, closing ones included. */
  fromGroup(group: string): number {
    return this.known().perGroup.get(group) ?? 0;
  }

  /** A socket was accepted, tagged with its address group (null: exempt), and has its state. */
  joined(ws: WebSocket, group: string | null): void {
    const counts = this.known();
    if (!counts.open.has(ws)) {
      const browserId = this.states.get(ws)?.browserId ?? null;
      counts.open.set(ws, browserId);
      counts.people.add(browserId);
    }
    if (group !== null) this.countIn(counts, ws, group);
  }

  /** The server is closing this socket: it leaves the head count now, the per-address count at its close event. */
  closing(ws: WebSocket): void {
    if (this.counts) leaveOpen(this.counts, ws);
  }

  /** The socket's close or error event: the platform lets go of it. */
  gone(ws: WebSocket): void {
    const counts = this.known();
    leaveOpen(counts, ws);
    const group = counts.groupOf.get(ws);
    if (group === undefined) return;
    counts.groupOf.delete(ws);
    const left = (counts.perGroup.get(group) ?? 1) - 1;
    if (left > 0) counts.perGroup.set(group, left);
    else counts.perGroup.delete(group);
  }

  private known(): Counts {
    if (this.counts) return this.counts;
    const counts: Counts = { open: new Map(), people: new BrowserCount(), perGroup: new Map(), groupOf: new WeakMap() };
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.readyState === WebSocket.OPEN ? this.states.get(ws) : null;
      if (state) {
        counts.open.set(ws, state.browserId ?? null);
        counts.people.add(state.browserId ?? null);
      }
      const tag = this.ctx.getTags(ws).find((t) => t.startsWith(ADDRESS_TAG_PREFIX));
      if (tag !== undefined) this.countIn(counts, ws, tag.slice(ADDRESS_TAG_PREFIX.length));
    }
    this.counts = counts;
    return counts;
  }

  private countIn(counts: Counts, ws: WebSocket, group: string): void {
    counts.groupOf.set(ws, group);
    counts.perGroup.set(group, (counts.perGroup.get(group) ?? 0) + 1);
  }
}

/** The socket stops counting as open (once, however often it is told). */
function leaveOpen(counts: Counts, ws: WebSocket): void {
  const browserId = counts.open.get(ws);
  if (browserId === undefined) return;
  counts.open.delete(ws);
  counts.people.remove(browserId);
}
