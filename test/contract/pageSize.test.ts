/** 200 items per page and per snapshot (PROTOCOL.md, Limits), written out. */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { TestSocket } from "../room/roomHarness";
import { expectRejected, loggedIds, postJson, request } from "../worker/request";

let newestFirst: string[];

beforeAll(async () => {
  // One more than a page.
  for (let n = 0; n < 201; n++) await postJson({ title: `item ${n}`, body: "b" });
  newestFirst = await loggedIds();
  expect(newestFirst.length).toBeGreaterThanOrEqual(201);
}, 60_000);

describe("page size", () => {
  it("GET /api/items without a limit gives the newest 200 and a cursor to the rest", async () => {
    const page = await (await request("/api/items")).json<{ items: Item[]; nextBefore: string | null }>();
    expect(page.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 200));
    expect(page.nextBefore).toBe(newestFirst[199]);
  });

  it("limit=200 is allowed and limit=201 is refused", async () => {
    const page = await (await request("/api/items?limit=200")).json<{ items: Item[] }>();
    expect(page.items).toHaveLength(200);
    await expectRejected(await request("/api/items?limit=201"), 400, "invalid_input");
  });

  it("GET /list gives the newest 200", async () => {
    const { rows } = await (await request("/list")).json<{ rows: { id: string }[] }>();
    expect(rows.map((row) => row.id)).toEqual(newestFirst.slice(0, 200));
  });

  it("a snapshot holds the newest 200 and says, in the frame as sent, that older items exist", async () => {
    const response = await exports.default.fetch(new Request("https://listroom.test/ws", { headers: { Upgrade: "websocket" } }));
    const socket = new TestSocket(response.webSocket!);
    expect((await socket.nextReceived()).frame.type).toBe("welcome");
    const snapshot = JSON.parse((await socket.nextReceived()).text) as { type: string; items: Item[]; hasOlder: unknown };
    expect(snapshot.type).toBe("snapshot");
    expect(snapshot.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 200));
    expect(snapshot.hasOlder).toBe(true);
    socket.close();
  });
});
