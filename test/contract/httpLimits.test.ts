/**
 * The HTTP numbers of docs/PROTOCOL.md, written out: text lengths, the 64 KiB
 * body, Idempotency-Key length, saves per address, Cache-Control.
 */
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, loggedIds, postJson, readBack, request, sendUntilLimited } from "../worker/request";

async function accepted(response: Response): Promise<Item> {
  expect(response.status).toBe(201);
  const { item } = await response.json<{ item: Item }>();
  return readBack(item.id);
}

describe("item text (PROTOCOL.md, Items)", () => {
  it("a title is at most 200 characters (code points) and 600 bytes of UTF-8", async () => {
    expect((await accepted(await postJson({ title: "中".repeat(200), body: "b" }))).title).toBe("中".repeat(200));
    expect((await accepted(await postJson({ title: ` ${"t".repeat(200)} `, body: "b" }))).title).toBe("t".repeat(200));
    expect((await accepted(await postJson({ title: "😀".repeat(150), body: "b" }))).title).toBe("😀".repeat(150));
    const before = await loggedIds();
    await expectRejected(await postJson({ title: "😀".repeat(151), body: "b" }), 400, "invalid_input");
    await expectRejected(await postJson({ title: "t".repeat(201), body: "b" }), 400, "invalid_input");
    expect(await loggedIds()).toEqual(before);
  });

  it("a body is at most 5000 characters (code points) and 15000 bytes of UTF-8", async () => {
    expect((await accepted(await postJson({ title: "t", body: "中".repeat(5000) }))).body).toBe("中".repeat(5000));
    expect((await accepted(await postJson({ title: "t", body: "😀".repeat(3750) }))).body).toBe("😀".repeat(3750));
    const before = await loggedIds();
    await expectRejected(await postJson({ title: "t", body: "t".repeat(5001) }), 400, "invalid_input");
    await expectRejected(await postJson({ title: "t", body: "😀".repeat(3751) }), 400, "invalid_input");
    expect(await loggedIds()).toEqual(before);
  });

  it("a title is at least 1 character after trimming; a body may trim to nothing, and is then empty", async () => {
    expect((await accepted(await postJson({ title: " a ", body: "\tb\n" }))).title).toBe("a");
    await expectRejected(await postJson({ title: " \t ", body: "b" }), 400, "invalid_input");
    expect((await accepted(await postJson({ title: "t", body: "\r\n " }))).body).toBe("");
    expect((await accepted(await postJson({ title: "t" }))).body).toBe("");
  });
});

describe("request bodies (PROTOCOL.md, Limits: 64 KiB)", () => {
  // JSON allows white space between tokens, so a valid item can fill any size.
  function jsonOfBytes(bytes: number): string {
    const core = JSON.stringify({ title: "sized", body: `${bytes} bytes` });
    return core.slice(0, -1) + " ".repeat(bytes - core.length) + "}";
  }
  function formOfBytes(bytes: number): string {
    const core = `itemtitle=sized&itemtext=${bytes}+bytes&pad=`;
    return core + "x".repeat(bytes - core.length);
  }

  it("POST /api/items takes a body of 65536 bytes and refuses 65537 with 413", async () => {
    expect(await accepted(await postJson(jsonOfBytes(65536)))).toMatchObject({ title: "sized", body: "65536 bytes" });
    const before = await loggedIds();
    await expectRejected(await postJson(jsonOfBytes(65537)), 413, "payload_too_large");
    expect(await loggedIds()).toEqual(before);
  });

  it("POST /save takes a body of 65536 bytes and refuses 65537 with 413", async () => {
    const save = (body: string) =>
      request("/save", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const fits = await save(formOfBytes(65536));
    expect([fits.status, await fits.json()]).toEqual([200, { result: "success" }]);
    const before = await loggedIds();
    const over = await save(formOfBytes(65537));
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await loggedIds()).toEqual(before);
  });
});

describe("Idempotency-Key (PROTOCOL.md: 16–200 URL-safe characters, A-Z a-z 0-9 - . _ ~)", () => {
  const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  const urlSafe = (length: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => URL_SAFE[byte % URL_SAFE.length]).join("");

  it("takes a key of 16 and of 200 characters, and a UUID; a 16-character key is replayed the second time", async () => {
    expect((await postJson({ title: "t", body: "b" }, { "idempotency-key": crypto.randomUUID() })).status).toBe(201);
    expect((await postJson({ title: "t", body: "b" }, { "idempotency-key": urlSafe(200) })).status).toBe(201);
    const key = urlSafe(16);
    const [first, second] = [await postJson({ title: "one", body: "b" }, { "idempotency-key": key }), await postJson({ title: "one", body: "b" }, { "idempotency-key": key })];
    expect([first.status, second.status, second.headers.get("idempotent-replayed")]).toEqual([201, 201, "true"]);
  });

  it.each([
    ["an empty key", "", /at least 16/],
    ["a key of 1 character", "k", /is 1 character; it must be at least 16/],
    ["a key of 15 characters", "k".repeat(15), /at least 16/],
    ["a key of 201 characters", "k".repeat(201), /limit is 200/],
    ["a key with a space", "a b".repeat(8), /URL-safe/],
    ["a key with a control character", "a\tb".repeat(8), /URL-safe/],
    ["a key with punctuation that is not URL-safe", "!".repeat(20), /URL-safe/],
  ])("refuses %s with 400 invalid_input, says why, and stores nothing", async (_name, key, why) => {
    const before = await loggedIds();
    const headers = new Headers({ "content-type": "application/json" });
    headers.set("idempotency-key", key);
    const response = await request("/api/items", { method: "POST", headers, body: JSON.stringify({ title: "t", body: "b" }) });
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(why);
    expect(await loggedIds()).toEqual(before);
  });
});

describe("saves per address (PROTOCOL.md: SAVE_LIMITER, per 60 s; the test pool lowers 90 to 5)", () => {
  it("takes the limit, refuses the next with 429 and Retry-After: 60", async () => {
    const address = { "cf-connecting-ip": "203.0.113.80" };
    const before = await loggedIds();
    const { taken, refused } = await sendUntilLimited(5, (n) => postJson({ title: `save ${n}`, body: "b" }, address), (s) => s === 201);
    expect(refused.headers.get("retry-after")).toBe("60");
    await expectRejected(refused, 429, "rate_limited");
    expect((await loggedIds()).length).toBe(before.length + taken);
  });
});

describe("ticks per address (PROTOCOL.md: TICK_LIMITER, per 60 s; the test pool lowers 120 to 8)", () => {
  it("takes the limit, refuses the next with 429 and Retry-After: 60, and the tick is not made", async () => {
    const address = { "cf-connecting-ip": "203.0.113.81" };
    const saved = await postJson({ title: "to tick", body: "b" });
    const { item } = await saved.json<{ item: { id: string } }>();
    const tick = (n: number) =>
      request(`/api/items/${item.id}`, { method: "PATCH", headers: { "content-type": "application/json", ...address }, body: JSON.stringify({ done: n % 2 === 0 }) });
    const { taken, refused } = await sendUntilLimited(8, tick, (s) => s === 200);
    expect(refused.headers.get("retry-after")).toBe("60");
    await expectRejected(refused, 429, "rate_limited");
    const read = await request(`/api/items/${item.id}`);
    expect(await read.json()).toMatchObject({ item: { done: taken % 2 === 1, version: 1 + taken } });
  });
});

describe("Cache-Control (PROTOCOL.md: API responses carry no-store)", () => {
  it.each<[string, () => Promise<Response>]>([
    ["GET /api/items", () => request("/api/items")],
    ["POST /api/items, stored", () => postJson({ title: "t", body: "b" })],
    ["POST /api/items, refused", () => postJson({ title: "", body: "b" })],
    ["GET /api/items, refused", () => request("/api/items?limit=0")],
    ["POST /save", () => request("/save", { method: "POST", body: new URLSearchParams({ itemtitle: "t", itemtext: "b" }) })],
    ["GET /list", () => request("/list")],
    ["GET /api/items/{itemId}, refused", () => request("/api/items/zz-0123456789abcdef")],
    ["an unknown /api path", () => request("/api/nothing")],
  ])("%s", async (_name, send) => {
    const response = await send();
    expect(response.headers.get("cache-control")).toBe("no-store");
    await response.arrayBuffer();
  });
});

describe("search queries (PROTOCOL.md, Limits: 200 characters, 16 words)", () => {
  it("q is at most 200 characters (code points) and 16 words, and holds at least one word", async () => {
    expect((await request(`/api/items?q=${encodeURIComponent("é".repeat(200))}`)).status).toBe(200);
    await expectRejected(await request(`/api/items?q=${encodeURIComponent("é".repeat(201))}`), 400, "invalid_input");
    expect((await request(`/api/items?q=${Array(16).fill("w").join("+")}`)).status).toBe(200);
    await expectRejected(await request(`/api/items?q=${Array(17).fill("w").join("+")}`), 400, "invalid_input");
    await expectRejected(await request("/api/items?q=%3F%21"), 400, "invalid_input");
  });
});
