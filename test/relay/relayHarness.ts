/**
 * Helpers for lists with relays: a fresh list with RELAY_AFTER and
 * RELAY_CAPACITY set small (objects read their vars when they start, so they
 * are set before the list is created), and a stub for each of its relays.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { ListRelay } from "../../src/relay/ListRelay";
import { PLACEMENT_BY_REDIRECT, placedRelayOf, RELAY_PLACEMENT_HEADER, relayName, relayOfToken } from "../../src/shared/relays";
import { mintListId } from "../../src/worker/listIdSeal";
import { hashToken } from "../../src/shared/tokens";
import { overrideVar, roomNamed, TEST_OWNER_KEY, type RoomStub } from "../room/roomHarness";

export type RelayStub = ReturnType<typeof relayStub>;

export interface RelayedList {
  list: RoomStub;
  listId: string;
  relay(index: number): ReturnType<typeof relayStub>;
}

function relayStub(name: string) {
  return env.LIST_RELAY.getByName(name);
}

export async function freshRelayedList(relayAfter: number, capacity: number): Promise<RelayedList> {
  overrideVar("RELAY_AFTER", String(relayAfter));
  overrideVar("RELAY_CAPACITY", String(capacity));
  // A sealed id (src/worker/listIdSeal.ts), so that requests through the Worker reach it.
  const listId = await mintListId(env);
  const list = roomNamed(listId);
  if (!(await list.createList({ id: listId, title: "Test list", createdAt: new Date().toISOString() }, await hashToken(TEST_OWNER_KEY)))) {
    throw new Error(`list ${listId} existed already`);
  }
  return { list, listId, relay: (index) => relayStub(relayName(listId, index)) };
}

/** Which relay holds the session a welcome's token belongs to; null for the list's own object. */
export function holderOf(resumeToken: string): number | null {
  return relayOfToken(resumeToken);
}

/** The relay's replica position, read inside it. */
export function replicaPosition(stub: ReturnType<typeof relayStub>): Promise<number> {
  return runInDurableObject(stub, (relay: ListRelay) => relay.position());
}

/**
 * A fresh arrival at the list's object as the Worker forwards it, asking for
 * placement: the relay its 307 names, or "here" for a socket the list's
 * object accepted itself (closed again at once).
 */
export async function askPlacement(list: RoomStub): Promise<"here" | number> {
  const answer = await list.fetch("http://room/ws", { headers: { Upgrade: "websocket", [RELAY_PLACEMENT_HEADER]: PLACEMENT_BY_REDIRECT } });
  const relay = placedRelayOf(answer);
  if (relay !== null) {
    if (answer.webSocket) throw new Error("a placement on a relay came with a socket");
    return relay;
  }
  if (answer.status !== 101 || !answer.webSocket) throw new Error(`the list answered ${answer.status}`);
  answer.webSocket.accept();
  answer.webSocket.close(1000);
  return "here";
}
