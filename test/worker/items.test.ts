import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, listedIds, postJson, readBack, request } from "./request";
import { BODY_MAX_CHARS, REQUEST_BODY_MAX_BYTES, TITLE_MAX_BYTES, TITLE_MAX_CHARS } from "../../src/protocol/limits";

describe("POST /api/items", () => {
  it("stores a JSON item, trimmed, and answers 201 with it", async () => {
    const response = await postJson({ title: "  Milk  ", body: "two litres\nsemi-skimmed " });
    expect(response.status).toBe(201);
    const { item } = await response.json<{ item: Item }>();
    expect(item).toMatchObject({ title: "Milk", body: "two litres\nsemi-skimmed" });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    expect((await listedIds())[0]).toBe(item.id);
    expect(await readBack(item.id)).toEqual({ id: item.id, title: "Milk", body: "two litres\nsemi-skimmed", createdAt: item.createdAt, version: 1, updatedAt: null, done: false, doneAt: null });
  });

  it("stores text verbatim: markup, emoji and right-to-left marks are not escaped", async () => {
    const title = "<b>bold</b> & 🎉 \u200fשלום";
    const response = await postJson({ title, body: "<script>alert(1)</script>" });
    const { item } = await response.json<{ item: Item }>();
    expect(item.title).toBe(title);
    expect(item.body).toBe("<script>alert(1)</script>");
    expect(await readBack(item.id)).toMatchObject({ title, body: "<script>alert(1)</script>" });
  });

  it("accepts the seed's form fields", async () => {
    const response = await request("/api/items", { method: "POST", body: new URLSearchParams({ itemtitle: " Form ", itemtext: "posted\n" }) });
    expect(response.status).toBe(201);
    const { item } = await response.json<{ item: Item }>();
    expect(item).toMatchObject({ title: "Form", body: "posted" });
    expect(await readBack(item.id)).toMatchObject({ title: "Form", body: "posted" });
  });

  it("accepts the seed's form fields as multipart/form-data", async () => {
    const form = new FormData();
    form.set("itemtitle", " Multipart ");
    form.set("itemtext", "line one\r\nline two 🎉");
    const response = await request("/api/items", { method: "POST", body: form });
    expect(response.status).toBe(201);
    const { item } = await response.json<{ item: Item }>();
    expect(await readBack(item.id)).toMatchObject({ title: "Multipart", body: "line one\r\nline two 🎉" });
  });

  it("counts characters as code points, and bytes too: 150 emoji (600 bytes) make a valid title, 151 do not", async () => {
    const response = await postJson({ title: "😀".repeat(TITLE_MAX_BYTES / 4), body: "b" });
    expect(response.status).toBe(201);
    const { item } = await response.json<{ item: Item }>();
    expect((await readBack(item.id)).title).toBe("😀".repeat(TITLE_MAX_BYTES / 4));
    expect((await postJson({ title: "é".repeat(TITLE_MAX_CHARS), body: "b" })).status).toBe(201);
    await expectRejected(await postJson({ title: "😀".repeat(TITLE_MAX_BYTES / 4 + 1), body: "b" }), 400, "invalid_input");
  });

  it.each([
    ["an empty title", { title: "   ", body: "b" }],
    ["a missing title", { body: "b" }],
    ["a body that is not text", { title: "t", body: null }],
    ["a title that is a number", { title: 5, body: "b" }],
    ["a title over the limit", { title: "x".repeat(TITLE_MAX_CHARS + 1), body: "b" }],
    ["a body over the limit", { title: "t", body: "x".repeat(BODY_MAX_CHARS + 1) }],
    ["a null byte", { title: "t\u0000", body: "b" }],
    ["a line break in the title", { title: "a\nb", body: "b" }],
    ["a C1 control (the 8-bit CSI) in the body", { title: "t", body: "red \u009b31m" }],
    ["a lone surrogate", { title: "t\ud800", body: "b" }],
    ["a JSON array", [1, 2]],
  ])("rejects %s with 400 and stores nothing", async (_name, body) => {
    const before = await listedIds();
    await expectRejected(await postJson(body), 400, "invalid_input");
    expect(await listedIds()).toEqual(before);
  });

  it("rejects broken JSON with 400 invalid_json", async () => {
    await expectRejected(await postJson('{"title": "x", '), 400, "invalid_json");
  });

  it("rejects other content types with 415", async () => {
    const response = await request("/api/items", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    await expectRejected(response, 415, "unsupported_media_type");
  });

  it("rejects bodies over the size limit with 413", async () => {
    const response = await postJson({ title: "t", body: "x".repeat(REQUEST_BODY_MAX_BYTES) });
    await expectRejected(response, 413, "payload_too_large");
  });
});

describe("GET /api/items", () => {
  it.each(["limit=0", "limit=201", "limit=abc", "limit=1.5"])("rejects %s with 400", async (query) => {
    await expectRejected(await request(`/api/items?${query}`), 400, "invalid_input");
  });

  it("rejects an unknown cursor with 400 invalid_cursor", async () => {
    await expectRejected(await request("/api/items?before=no-such-item"), 400, "invalid_cursor");
  });
});

describe("routing", () => {
  it("answers unknown paths with a JSON 404", async () => {
    await expectRejected(await request("/api/nothing"), 404, "not_found");
  });

  it("answers unsupported methods with a JSON 405", async () => {
    await expectRejected(await request("/api/items", { method: "DELETE" }), 405, "method_not_allowed");
  });
});

describe("malformed forms", () => {
  it("a multipart body without a boundary gets 400, not 500 (found by the HTTP fuzz test)", async () => {
    const response = await request("/api/items", {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "{}",
    });
    await expectRejected(response, 400, "invalid_input");
  });
});
