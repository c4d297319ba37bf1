import { describe, expect, it } from "vitest";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ListRelay } from "../../src/relay/ListRelay";
import { hasSchema } from "../../src/delivery/platform/migrate";
import { placeArrival } from "../../src/room/relays/placement";
import { retryDelay } from "../../src/room/relays/relayCalls";
import { MAX_RELAYS, newRelayToken, PLACED_RELAY_HEADER, PLACEMENT_BY_REDIRECT, RELAY_PLACEMENT_HEADER, relayName, relayOfToken } from "../../src/shared/relays";
import { newToken } from "../../src/shared/tokens";
import { connect, connectFresh, eventually, TestSocket } from "../room/roomHarness";
import { request } from "../worker/request";
import { askPlacement, freshRelayedList, holderOf } from "./relayHarness";

describe("routing arrivals to relays", () => {
  it("serves the first RELAY_AFTER arrivals itself, then fills each relay up to RELAY_CAPACITY before the next", async () => {
    const { list, relay } = await freshRelayedList(2, 3);
    const holders: Array<number | null> = [];
    for (let i = 0; i < 9; i++) holders.push(holderOf((await connectFresh(list)).welcome.resumeToken));
    expect(holders).toEqual([null, null, 0, 0, 0, 1, 1, 1, 2]);
    expect(await list.connectionCount()).toBe(2);
    await eventually(async () => (await relay(0).connectionCount()) === 3, "relay 0 to hold three sockets");
    expect(await relay(1).connectionCount()).toBe(3);
    expect(await relay(2).connectionCount()).toBe(1);
  });

  it("after the list's object restarts, placement still knows which relays are full", async () => {
    const { list, relay } = await freshRelayedList(0, 2);
    for (let i = 0; i < 2; i++) await connectFresh(list);
    await eventually(async () => (await list.relaysUsage()).relays.some((r) => r.relay === 0 && r.connections === 2), "relay 0's count to reach the list");
    await evictDurableObject(list, { webSockets: "close" });
    const next = await connectFresh(list);
    expect(holderOf(next.welcome.resumeToken)).toBe(1);
    expect(await relay(0).connectionCount()).toBe(2);
  });

  it("a resume with a token the list does not hold (unknown, or another list's) is placed as a fresh arrival, past RELAY_AFTER on a relay", async () => {
    const other = await freshRelayedList(5, 10);
    const foreign = (await connectFresh(other.list)).welcome.resumeToken;
    const { list } = await freshRelayedList(1, 10);
    const own = await connectFresh(list);
    expect(holderOf(own.welcome.resumeToken)).toBeNull();
    for (const token of [newToken(), foreign]) {
      const arrival = await connect(list, { token, last: 1, attempt: 2 });
      expect(arrival.welcome.resumed).toBe(false);
      expect(holderOf(arrival.welcome.resumeToken)).toBe(0);
      await arrival.socket.nextOf("snapshot");
    }
    expect(await list.connectionCount()).toBe(1);
  });

  it("a resume of a session the list's own object holds goes back to it, also past RELAY_AFTER", async () => {
    const { list } = await freshRelayedList(1, 10);
    const own = await connectFresh(list);
    own.socket.close();
    await own.socket.waitForClose();
    await eventually(async () => (await list.connectionCount()) === 0, "the list to see the close");
    await connectFresh(list);
    const resumed = await connect(list, { token: own.welcome.resumeToken, last: own.snapshot.seq, attempt: 2 });
    expect(resumed.welcome).toMatchObject({ resumed: true, clientId: own.welcome.clientId });
    expect(holderOf(resumed.welcome.resumeToken)).toBeNull();
  });

  it("sends everyone to relays when RELAY_AFTER is 0", async () => {
    const { list } = await freshRelayedList(0, 1_000);
    const { welcome } = await connectFresh(list);
    expect(holderOf(welcome.resumeToken)).toBe(0);
    expect(await list.connectionCount()).toBe(0);
  });
});

describe("an arrival is one call into the list's object", () => {
  it("asked for placement, the list's object accepts a socket itself under RELAY_AFTER and answers past it with a 307 naming the relay, without upgrading", async () => {
    const { list, relay } = await freshRelayedList(1, 2);
    expect(await askPlacement(list)).toBe("here");
    await connectFresh(list);
    const answer = await list.fetch("http://room/ws", { headers: { Upgrade: "websocket", [RELAY_PLACEMENT_HEADER]: PLACEMENT_BY_REDIRECT } });
    expect(answer.status).toBe(307);
    expect(answer.webSocket).toBeNull();
    expect(answer.headers.get(PLACED_RELAY_HEADER)).toBe("0");
    expect(await relay(0).connectionCount()).toBe(0);
  });

  it("a resume with a relay's token that reaches the list's object is answered with a 307 naming that relay", async () => {
    const { list } = await freshRelayedList(0, 10);
    const token = newRelayToken(5);
    const answer = await list.fetch(`http://room/ws?resume=${encodeURIComponent(token)}&last=1`, {
      headers: { Upgrade: "websocket", [RELAY_PLACEMENT_HEADER]: PLACEMENT_BY_REDIRECT },
    });
    expect(answer.status).toBe(307);
    expect(answer.headers.get(PLACED_RELAY_HEADER)).toBe("5");
  });
});

describe("routing through the Worker", () => {
  it.each([PLACEMENT_BY_REDIRECT, "0", "here", ""])(
    "a client sending its own placement header (%j) is served like any other: never a 307, on a relay past RELAY_AFTER",
    async (forged) => {
      const { listId, list, relay } = await freshRelayedList(1, 10);
      const open = async () => {
        const response = await request(`/api/lists/${listId}/ws`, {
          headers: { Upgrade: "websocket", [RELAY_PLACEMENT_HEADER]: forged, [PLACED_RELAY_HEADER]: "7" },
        });
        expect(response.status).toBe(101);
        expect(response.headers.has(PLACED_RELAY_HEADER)).toBe(false);
        const socket = new TestSocket(response.webSocket!);
        return (await socket.nextOf("welcome")).resumeToken;
      };
      expect(holderOf(await open())).toBeNull();
      expect(holderOf(await open())).toBe(0);
      expect(await list.connectionCount()).toBe(1);
      await eventually(async () => (await relay(0).connectionCount()) === 1, "relay 0 to hold the second socket");
    },
  );


  it("a fresh socket at a list's route may land on a relay, and its resume goes straight back there", async () => {
    const { listId, relay } = await freshRelayedList(0, 10);
    const open = async (query = "") => {
      const response = await request(`/api/lists/${listId}/ws${query}`, { headers: { Upgrade: "websocket" } });
      expect(response.status).toBe(101);
      const socket = new TestSocket(response.webSocket!);
      return { socket, welcome: await socket.nextOf("welcome") };
    };
    const first = await open();
    expect(holderOf(first.welcome.resumeToken)).toBe(0);
    const snapshot = await first.socket.nextOf("snapshot");
    first.socket.close();
    await first.socket.waitForClose();
    const again = await open(`?resume=${encodeURIComponent(first.welcome.resumeToken)}&last=${snapshot.seq}&attempt=2`);
    expect(again.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
    await eventually(async () => (await relay(0).connectionCount()) === 1, "the relay to hold the resumed socket");
  });

  it("a token naming a relay of a list that does not exist gets 404, and no relay keeps anything", async () => {
    const token = `3.${"A".repeat(43)}`;
    const listId = "n".repeat(22);
    const response = await request(`/api/lists/${listId}/ws?resume=${token}&last=1`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(404);
    const relay = env.LIST_RELAY.getByName(relayName(listId, 3));
    expect(await runInDurableObject(relay, (_relay: ListRelay, state) => hasSchema(state.storage))).toBe(false);
  });
});

describe("placement and relay tokens", () => {
  it("places by RELAY_AFTER, then the lowest relay with room", () => {
    const rule = { relayAfter: 2, capacity: 2 };
    expect(placeArrival(1, [], rule)).toBe("here");
    expect(placeArrival(2, [], rule)).toBe(0);
    expect(placeArrival(2, [2, 1], rule)).toBe(1);
    expect(placeArrival(2, [2, 2], rule)).toBe(2);
    expect(placeArrival(5, [1, 2], rule)).toBe(0);
  });

  it("a relay's token names its relay; other tokens name none", () => {
    const token = newRelayToken(7);
    expect(relayOfToken(token)).toBe(7);
    expect(relayOfToken(token.slice(2))).toBeNull();
    expect(relayOfToken(`07.${token.slice(2)}`)).toBeNull();
    expect(relayOfToken(`${MAX_RELAYS}.${token.slice(2)}`)).toBeNull();
    expect(relayOfToken("1.short")).toBeNull();
  });

  it("retries wait twice as long each time, up to a minute", () => {
    expect([1, 2, 3, 10].map(retryDelay)).toEqual([1_000, 2_000, 4_000, 60_000]);
  });
});
