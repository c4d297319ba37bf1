import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it, onTestFinished } from "vitest";
import { RELAY_UNAVAILABLE_RETRY_AFTER_S } from "../../src/relay/ListRelay";
import { ListRoom } from "../../src/room/ListRoom";
import { ErrorCode } from "../../src/protocol/errors";
import { TestSocket } from "../room/roomHarness";
import { request } from "../worker/request";
import { freshRelayedList, holderOf } from "./relayHarness";

/** Makes the list's object refuse a relay's seed and catch-up calls until the test ends or `restore` is called. */
function listUnreachable(): { restore(): void } {
  const originals = { seedRelay: ListRoom.prototype.seedRelay, entriesAfter: ListRoom.prototype.entriesAfter };
  const refuse = () => {
    throw new Error("the list is unreachable");
  };
  ListRoom.prototype.seedRelay = refuse;
  ListRoom.prototype.entriesAfter = refuse;
  const restore = () => {
    Object.assign(ListRoom.prototype, originals);
  };
  onTestFinished(restore);
  return { restore };
}

function upgrade(listId: string, query = ""): Promise<Response> {
  return request(`/api/lists/${listId}/ws${query}`, { headers: { Upgrade: "websocket" } });
}

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.webSocket).toBeNull();
  expect(response.headers.get("Retry-After")).toBe(String(RELAY_UNAVAILABLE_RETRY_AFTER_S));
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(ErrorCode.Unavailable);
  expect(body.error.message.length).toBeGreaterThan(0);
}

async function opened(response: Response) {
  expect(response.status).toBe(101);
  const socket = new TestSocket(response.webSocket!);
  return { socket, welcome: await socket.nextOf("welcome") };
}

describe("a relay whose list cannot be reached", () => {
  it("answers a fresh arrival 503 unavailable with Retry-After, and serves it once the list answers", async () => {
    const { listId } = await freshRelayedList(0, 10);
    const cut = listUnreachable();
    await expectUnavailable(await upgrade(listId));

    cut.restore();
    const arrival = await opened(await upgrade(listId));
    expect(holderOf(arrival.welcome.resumeToken)).toBe(0);
    await arrival.socket.nextOf("snapshot");
  });

  it("answers a resume 503 when it woke behind and the list does not answer, and resumes it once the list does", async () => {
    const { listId, relay } = await freshRelayedList(0, 10);
    const first = await opened(await upgrade(listId));
    const snapshot = await first.socket.nextOf("snapshot");
    first.socket.ack(snapshot.seq);
    await first.socket.settle();
    await evictDurableObject(relay(0), { webSockets: "close" });
    const resume = `?resume=${encodeURIComponent(first.welcome.resumeToken)}&last=${snapshot.seq}&attempt=2`;

    const cut = listUnreachable();
    await expectUnavailable(await upgrade(listId, resume));

    cut.restore();
    const again = await opened(await upgrade(listId, resume));
    expect(again.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });
});
