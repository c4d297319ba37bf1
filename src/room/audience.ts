/**
 * Who is connected: the open sockets with their state, how many there are,
 * and how many come from one address group. Sockets are the platform's
 * (hibernation API), so this reads them from `ctx.getWebSockets()`.
 */
import { addressTag } from "../shared/clientGroup";
import type { ConnectionState, ConnectionStates } from "./connection";

export class Audience {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly states: ConnectionStates,
  ) {}

  /** Open sockets with their state; closing ones (after a drop or takeover) are left out. */
  *open(): Generator<[WebSocket, ConnectionState]> {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const state = this.states.get(ws);
      if (state) yield [ws, state];
    }
  }

  /** How many sockets are open: the head count. */
  count(): number {
    return [...this.open()].length;
  }

  /** How many sockets from this address group the platform still holds, closing ones included. */
  fromGroup(group: string): number {
    return this.ctx.getWebSockets(addressTag(group)).length;
  }
}
