import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, loggedIds, postJson, storedItems } from "./request";

describe("Idempotency-Key", () => {
  it("a retried save with the same key returns the same item and stores it once", async () => {
    const key = crypto.randomUUID();
    const input = { title: `retry me ${key}`, body: "once" };
    const before = await loggedIds();
    const first = await postJson(input, { "idempotency-key": key });
    const second = await postJson(input, { "idempotency-key": key });
    const third = await postJson(input, { "idempotency-key": key });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    const [a, b, c] = [await first.json<{ item: Item }>(), await second.json<{ item: Item }>(), await third.json<{ item: Item }>()];
    expect(b.item).toEqual(a.item);
    expect(c.item).toEqual(a.item);
    // Every stored item, not only those under the first id: a copy under a new id must show.
    expect(await loggedIds()).toEqual([a.item.id, ...before]);
    expect((await storedItems())[0]).toEqual(a.item);
  });

  it("concurrent saves with one key store one item", async () => {
    const key = crypto.randomUUID();
    const before = await loggedIds();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postJson({ title: "race", body: "x" }, { "idempotency-key": key })),
    );
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<{ item: Item }>()).item.id)));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(await loggedIds()).toEqual([...ids, ...before]);
  });

  it("reusing a key for a different item is refused with 422 and stores nothing", async () => {
    const key = crypto.randomUUID();
    await postJson({ title: "first", body: "x" }, { "idempotency-key": key });
    const before = await loggedIds();
    await expectRejected(await postJson({ title: "second", body: "x" }, { "idempotency-key": key }), 422, "idempotency_key_reused");
    expect(await loggedIds()).toEqual(before);
  });

  it("a malformed key is refused with 400", async () => {
    await expectRejected(await postJson({ title: "t", body: "b" }, { "idempotency-key": "has space" }), 400, "invalid_input");
  });

  it("saves without a key are independent", async () => {
    const input = { title: "no key", body: "x" };
    const before = await loggedIds();
    const first = await postJson(input);
    const second = await postJson(input);
    expect([first.headers.get("idempotent-replayed"), second.headers.get("idempotent-replayed")]).toEqual([null, null]);
    const a = await first.json<{ item: Item }>();
    const b = await second.json<{ item: Item }>();
    expect(a.item.id).not.toBe(b.item.id);
    expect(await loggedIds()).toEqual([b.item.id, a.item.id, ...before]);
  });
});
