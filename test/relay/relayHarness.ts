/**
 * Helpers for lists with relays: a fresh list with RELAY_AFTER and
 * RELAY_CAPACITY set small (objects read their vars when they start, so they
 * are set before the list is created), and a stub for each of its relays.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { ListRelay } from "../../src/relay/ListRelay";
import { relayName, relayOfToken } from "../../src/shared/relays";
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
