/**
 * Who is connected: the open sockets with their state, how many there are,
 * and how many come from one address group. Sockets are the platform's
 * (hibernation API); asking it for all of them on every arrival would make
 * a crowd of N cost O(N²), so the counts are kept here as sockets arrive and
 * leave, and rebuilt once from `ctx.getWebSockets()` after a wake.
 *
 * Two counts, because they answer different questions: the head count is of
 * open sockets (one the server is closing no longer counts), while the
 * per-address cap counts every socket the platform still holds for the
 * address, closing ones included, until its close event.
 */
import { addressTag } from "../shared/clientGroup";
import type { ConnectionState, ConnectionStates } from "./connection";

const ADDRESS_TAG_PREFIX = addressTag("");

interface Counts {
  /** Open sockets that have their state. */
  open: Set<WebSocket>;
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
    const { open } = this.known();
    for (const ws of open) {
      const state = ws.readyState === WebSocket.OPEN ? this.states.get(ws) : null;
      if (state) yield [ws, state];
      // Closed under us without a close event yet: it stops counting now.
      else open.delete(ws);
    }
  }

  /** How many sockets are open: the head count. */
  count(): number {
    return this.known().open.size;
  }

  /** How many sockets from this address group the platform still holds, closing ones included. */
  fromGroup(group: string): number {
    return this.known().perGroup.get(group) ?? 0;
  }

  /** A socket was accepted, tagged with its address group (null: exempt), and has its state. */
  joined(ws: WebSocket, group: string | null): void {
    const counts = this.known();
    counts.open.add(ws);
    if (group !== null) this.countIn(counts, ws, group);
  }

  /** The server is closing this socket: it leaves the head count now, the per-address count at its close event. */
  closing(ws: WebSocket): void {
    this.counts?.open.delete(ws);
  }

  /** The socket's close or error event: the platform lets go of it. */
  gone(ws: WebSocket): void {
    const counts = this.known();
    counts.open.delete(ws);
    const group = counts.groupOf.get(ws);
    if (group === undefined) return;
    counts.groupOf.delete(ws);
    const left = (counts.perGroup.get(group) ?? 1) - 1;
    if (left > 0) counts.perGroup.set(group, left);
    else counts.perGroup.delete(group);
  }

  private known(): Counts {
    if (this.counts) return this.counts;
    const counts: Counts = { open: new Set(), perGroup: new Map(), groupOf: new WeakMap() };
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState === WebSocket.OPEN && this.states.get(ws)) counts.open.add(ws);
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
