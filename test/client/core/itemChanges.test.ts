import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../../../src/client/core/answers";
import { changeProblem, collisionText, editCollisionText, saveProblem } from "../../../src/client/core/changeProblems";
import { itemPath, sendChange } from "../../../src/client/core/itemsApi";
import { postSave, type PendingChange } from "../../../src/client/core/outbox";
import { WRITER_HEADER } from "../../../src/protocol/item";
import { item } from "../frames";

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/** A fetch that records the request and answers with `status` and `body`. */
function answering(status: number, body: unknown = null, headers: Record<string, string> = {}) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: init.method ?? "GET",
      headers: init.headers as Record<string, string>,
      body: typeof init.body === "string" ? init.body : null,
    });
    return new Response(body === null ? null : JSON.stringify(body), { status, headers });
  }) as typeof fetch;
  return { fetchImpl, sent };
}

const edit: PendingChange = {
  kind: "edit",
  key: "e",
  target: { itemId: "item-1" },
  patch: { title: "Oat milk", body: "two litres" },
  ifMatch: 3,
  madeAt: 0,
};
const removal: PendingChange = { kind: "remove", key: "r", target: { itemId: "item-1" }, ifMatch: 3, madeAt: 0 };
const tick: PendingChange = { kind: "edit", key: "t", target: { itemId: "item-1" }, madeAt: 0, patch: { done: true }, ifMatch: 3 };
const url = itemPath("/api/lists/Xq3v9V0kP2bT7rWm1sLd8A/items", "item-1");

describe("sending an edit or removal", () => {
  it("edits with PATCH, the writer, the key as a bearer token and If-Match of the version edited", async () => {
    const { fetchImpl, sent } = answering(200, { item: item(1, 4) });
    expect(await sendChange(fetchImpl, url, edit, "edit-key", "b".repeat(32))).toEqual({ kind: "done", item: item(1, 4) });
    expect(sent).toEqual([
      {
        url: "/api/lists/Xq3v9V0kP2bT7rWm1sLd8A/items/item-1",
        method: "PATCH",
        headers: { [WRITER_HEADER]: "b".repeat(32), authorization: "Bearer edit-key", "content-type": "application/json", "if-match": '"3"' },
        body: JSON.stringify({ title: "Oat milk", body: "two litres" }),
      },
    ]);
  });

  it("removes with DELETE and no body; a 204, and a 404 (nothing left to remove), are done", async () => {
    const gone = answering(204);
    expect(await sendChange(gone.fetchImpl, url, removal, "owner-key")).toEqual({ kind: "done", item: null });
    expect(gone.sent[0]).toMatchObject({ method: "DELETE", headers: { authorization: "Bearer owner-key", "if-match": '"3"' }, body: null });
    const unknown = answering(404, { error: { code: "not_found", message: "no such item" } });
    expect(await sendChange(unknown.fetchImpl, url, removal, "k")).toEqual({ kind: "done", item: null });
  });

  it("a tick goes with If-Match of the version seen and no key", async () => {
    const { fetchImpl, sent } = answering(200, { item: item(1, 4) });
    await sendChange(fetchImpl, url, tick, null);
    expect(sent[0]).toMatchObject({ method: "PATCH", headers: { "if-match": '"3"' }, body: '{"done":true}' });
    expect(sent[0]!.headers).not.toHaveProperty("authorization");
  });

  it("a 412 names the fields that collided and the item as it is now", async () => {
    const now = { ...item(1, 5), title: "Milk (2 l)" };
    const body = { error: { code: "version_mismatch", message: "m", fields: ["title"] }, item: now };
    expect(await sendChange(answering(412, body).fetchImpl, url, edit, "k")).toEqual({ kind: "collided", collision: { fields: ["title"], item: now } });
  });

  it("a mismatched version with no readable item, a missing item on edit and a wrong key are final refusals", async () => {
    for (const [status, code] of [[412, "version_mismatch"], [404, "not_found"], [403, "forbidden"]] as const) {
      const { fetchImpl } = answering(status, { error: { code, message: "m" } });
      expect(await sendChange(fetchImpl, url, edit, "k")).toEqual({ kind: "rejected", error: { code, message: "m" } });
    }
  });

  it("rate limits and server trouble are retried, after the server's Retry-After when it gives one", async () => {
    expect(await sendChange(answering(429, null, { "retry-after": "60" }).fetchImpl, url, edit, "k")).toEqual({
      kind: "retry",
      afterMs: 60_000,
      limited: true,
    });
    expect(await sendChange(answering(503).fetchImpl, url, removal, "k")).toEqual({ kind: "retry" });
    expect(retryAfterMs("soon")).toBeUndefined();
  });

  it("an edit answered 200 with no readable item is sent again (repeating an edit is harmless)", async () => {
    expect(await sendChange(answering(200, { nope: true }).fetchImpl, url, edit, "k")).toEqual({ kind: "retry" });
  });
});

describe("the answer to a save", () => {
  const save = { key: "idem-1", title: "t", body: "b", madeAt: 0 };

  it("carries the edit key", async () => {
    const { fetchImpl, sent } = answering(201, { item: item(1), editKey: "K".repeat(43) });
    expect(await postSave(fetchImpl, "/api/items", save, "b".repeat(32))).toEqual({ kind: "saved", item: item(1), editKey: "K".repeat(43) });
    expect(sent[0]!.headers).toMatchObject({ "idempotency-key": "idem-1", [WRITER_HEADER]: "b".repeat(32) });
  });

  it("a replay for an item removed since (410 item_removed) is done, with nothing to show", async () => {
    const { fetchImpl } = answering(410, { error: { code: "item_removed", message: "removed" } });
    expect(await postSave(fetchImpl, "/api/items", save)).toEqual({ kind: "removed" });
  });
});

describe("what the person is told when a change is refused", () => {
  it("says what happened to the change, naming the item", () => {
    expect(changeProblem(edit, { code: "version_mismatch", message: "" }, "Milk")).toBe(
      "“Milk”: this item was changed on another page or device; your edit was not saved. That version is shown.",
    );
    expect(changeProblem(edit, { code: "not_found", message: "" }, null)).toMatch(/^this item is gone/);
    expect(changeProblem(removal, { code: "forbidden", message: "" }, null)).toMatch(/key for this item is no longer valid; your removal/);
    expect(changeProblem(edit, { code: "list_full", message: "" }, "Milk")).toMatch(/^“Milk”: this list is full, so your edit/);
  });

  it("a save refused because the list is full says so; other refusals give the server's words", () => {
    expect(saveProblem({ code: "list_full", message: "this list is full: it holds 5000 items" })).toBe(
      "This list is full: your item was not saved. Remove some items to make room.",
    );
    expect(saveProblem({ code: "invalid_input", message: "title is required" })).toBe("title is required");
  });

  it("says where a collision came from, never blaming someone else for this page's own change", () => {
    const milk = { ...item(1, 5), title: "Milk" };
    expect(collisionText(tick, milk)).toBe("“Milk” was unticked on another page or device, so your tick was not applied.");
    expect(collisionText({ ...tick, patch: { done: false } }, { ...milk, done: true })).toBe(
      "“Milk” was ticked on another page or device, so your untick was not applied.",
    );
    expect(collisionText(removal, milk)).toBe("“Milk” was changed on another page or device, so it was not removed. Remove it again if you still want to.");
    for (const text of [collisionText(tick, milk), collisionText(removal, milk), editCollisionText(milk)]) expect(text).not.toMatch(/someone/);
  });

  it("calls a change of done alone a tick", () => {
    expect(changeProblem(tick, { code: "not_found", message: "" }, "Milk")).toBe("“Milk”: this item is gone (it was removed), so your tick was not saved.");
  });
});
