/**
 * Every route that reaches a Durable Object counts against a per-address
 * limit (src/worker/guard.ts): list reads and list pages as reads
 * (READ_LIMITER, 30 per 10 s in wrangler.toml), list creations and renames
 * as saves (SAVE_LIMITER, 5 per 60 s in the test pool), ticks as ticks
 * (TICK_LIMITER, 8 per 60 s in the test pool), refused ones included. The binding's windows are fixed, so a flood may straddle two:
 * each test expects the first `limit` requests through and a refusal within
 * two windows' worth, from an address no other test uses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import type { ListInfo } from "../../src/protocol/lists";
import { ownerCheckPath } from "../../src/protocol/ownerCheck";
import { overrideVar } from "../room/roomHarness";
import { expectRejected, randomIPv4, request, sendUntilLimited } from "./request";

const READ_LIMIT = 30;
const SAVE_LIMIT = 5;
const TICK_LIMIT = 8;

let list: ListInfo;
let ownerKey = "";
let item: Item;

/** A well-formed list id nobody created. */
function unknownListId(): string {
  return `never-made-${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Sends `send` from one fresh address until it is refused with 429, and checks that the refusal says when to come back. */
async function expectLimited(limit: number, retryAfter: string, send: (address: string) => Promise<Response>, served: (status: number) => boolean) {
  const address = randomIPv4();
  const { refused } = await sendUntilLimited(limit, () => send(address), served);
  expect(refused.headers.get("retry-after")).toBe(retryAfter);
  await expectRejected(refused, 429, "rate_limited");
}

const from = (address: string, init: RequestInit = {}): RequestInit => {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", address);
  return { ...init, headers };
};

function rename(id: string, key: string, address: string): Promise<Response> {
  return request(`/api/lists/${id}`, from(address, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ title: `renamed ${crypto.randomUUID()}` }),
  }));
}

function createList(address: string, body: string): Promise<Response> {
  return request("/api/lists", from(address, { method: "POST", headers: { "content-type": "application/json" }, body }));
}

beforeAll(async () => {
  const response = await request("/api/lists", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "limited" }),
  });
  ({ list, ownerKey } = await response.json<{ list: ListInfo; ownerKey: string }>());
  const saved = await request(`/api/lists/${list.id}/items`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"title":"to tick"}' });
  ({ item } = await saved.json<{ item: Item }>());
});

describe("reads that reach a room are limited per address (READ_LIMITER)", () => {
  it.each([
    ["GET /api/lists/{id}", () => `/api/lists/${list.id}`, 200],
    ["GET /api/lists/main", () => "/api/lists/main", 200],
    ["GET /l/{id}", () => `/l/${list.id}`, 200],
    ["GET /l/{id} of a list nobody made", () => `/l/${unknownListId()}`, 404],
    ["GET /api/lists/{id}/items", () => `/api/lists/${list.id}/items?limit=1`, 200],
    ["GET /api/lists/{id}/items/{itemId}", () => `/api/lists/${list.id}/items/${item.id}`, 200],
    ["GET /api/items/{itemId} of no such item", () => "/api/items/zz-0123456789abcdef", 404],
  ])("%s: the first 30 are served, then 429 with Retry-After: 10", async (_name, path, status) => {
    await expectLimited(READ_LIMIT, "10", (address) => request(path(), from(address)), (answered) => answered === status);
  });

  it.each([
    ["GET /api/lists/{id}/owner with the owner key", () => ownerKey, 204],
    ["GET /api/lists/{id}/owner with a wrong key", () => "notTheOwnerKey", 403],
  ])("%s: the first 30 are served, then 429 with Retry-After: 10", async (_name, key, status) => {
    const check = (address: string) => request(ownerCheckPath(list.id), from(address, { headers: { authorization: `Bearer ${key()}` } }));
    await expectLimited(READ_LIMIT, "10", check, (answered) => answered === status);
  });
});

describe("list creations and renames count as saves (SAVE_LIMITER), refused ones included", () => {
  it("POST /api/lists: creations", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => createList(address, JSON.stringify({ title: "flood" })), (s) => s === 201);
  });

  it("POST /api/lists: creations refused for their body", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => createList(address, "{bad"), (s) => s === 400);
  });

  it("PATCH /api/lists/{id} with the owner key", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => rename(list.id, ownerKey, address), (s) => s === 200);
  });

  it("PATCH /api/lists/{id} with a wrong key: guessing keys is limited too", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => rename(list.id, "A".repeat(43), address), (s) => s === 403);
  });

  it("PATCH /api/lists/main with a wrong key", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => rename("main", "A".repeat(43), address), (s) => s === 403);
  });

  it("of a list nobody made, when unsealed ids reach a room (ACCEPT_UNSEALED_LIST_IDS): reads and renames alike", async () => {
    // Sealed ids nobody made are refused before any room is addressed (listIdSeal.test.ts).
    overrideVar("ACCEPT_UNSEALED_LIST_IDS", "true");
    await expectLimited(READ_LIMIT, "10", (address) => request(`/api/lists/${unknownListId()}`, from(address)), (s) => s === 404);
    await expectLimited(SAVE_LIMIT, "60", (address) => rename(unknownListId(), "A".repeat(43), address), (s) => s === 404);
  });

  it("one address's reads do not use up its saves, nor another address's limits", async () => {
    const address = randomIPv4();
    await sendUntilLimited(SAVE_LIMIT, () => rename(list.id, ownerKey, address), (s) => s === 200);
    const read = await request(`/api/lists/${list.id}`, from(address));
    expect(read.status).toBe(200);
    await read.arrayBuffer();
    expect((await rename(list.id, ownerKey, randomIPv4())).status).toBe(200);
  });
});

describe("ticks count apart from saves (TICK_LIMITER), refused ones included", () => {
  const patch = (address: string, body: string, key: string | null = null) =>
    request(`/api/lists/${list.id}/items/${item.id}`, from(address, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body,
    }));

  it("PATCH {done} alone: ticks and unticks", async () => {
    let done = false;
    await expectLimited(TICK_LIMIT, "60", (address) => patch(address, JSON.stringify({ done: (done = !done) })), (s) => s === 200);
  });

  it("an address that used up its saves still ticks, and one that used up its ticks still saves", async () => {
    const address = randomIPv4();
    await sendUntilLimited(SAVE_LIMIT, () => rename(list.id, ownerKey, address), (s) => s === 200);
    expect((await patch(address, '{"done":true}')).status).toBe(200);
    const ticker = randomIPv4();
    await sendUntilLimited(TICK_LIMIT, () => patch(ticker, '{"done":false}'), (s) => s === 200);
    expect((await rename(list.id, ownerKey, ticker)).status).toBe(200);
  });

  it("a change of the title, even with a tick, and a body that is not a change count as saves", async () => {
    await expectLimited(SAVE_LIMIT, "60", (address) => patch(address, JSON.stringify({ title: `t ${crypto.randomUUID()}`, done: true }), ownerKey), (s) => s === 200);
    await expectLimited(SAVE_LIMIT, "60", (address) => patch(address, "{bad"), (s) => s === 400);
    await expectLimited(SAVE_LIMIT, "60", (address) => patch(address, JSON.stringify({ done: true, extra: "x".repeat(70_000) })), (s) => s === 413);
  });
});
