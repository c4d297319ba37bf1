import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, listedIds, postJson } from "./request";

describe("Idempotency-Key", () => {
  it("a retried save with the same key returns the same item and stores it once", async () => {
    const key = crypto.randomUUID();
    const input = { title: "retry me", body: "once" };
    const first = await postJson(input, { "idempotency-key": key });
    const second = await postJson(input, { "idempotency-key": key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = [await first.json<{ item: Item }>(), await second.json<{ item: Item }>()];
    expect(b.item).toEqual(a.item);
    expect((await listedIds()).filter((id) => id === a.item.id)).toHaveLength(1);
  });

  it("concurrent saves with one key store one item", async () => {
    const key = crypto.randomUUID();
    const before = (await listedIds()).length;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postJson({ title: "race", body: "x" }, { "idempotency-key": key })),
    );
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<{ item: Item }>()).item.id)));
    expect(ids.size).toBe(1);
    expect((await listedIds()).length).toBe(before + 1);
  });

  it("reusing a key for a different item is refused with 422 and stores nothing", async () => {
    const key = crypto.randomUUID();
    await postJson({ title: "first", body: "x" }, { "idempotency-key": key });
    const before = await listedIds();
    await expectRejected(await postJson({ title: "second", body: "x" }, { "idempotency-key": key }), 422, "idempotency_key_reused");
    expect(await listedIds()).toEqual(before);
  });

  it("a malformed key is refused with 400", async () => {
    await expectRejected(await postJson({ title: "t", body: "b" }, { "idempotency-key": "has space" }), 400, "invalid_input");
  });

  it("saves without a key are independent", async () => {
    const input = { title: "no key", body: "x" };
    const a = await (await postJson(input)).json<{ item: Item }>();
    const b = await (await postJson(input)).json<{ item: Item }>();
    expect(a.item.id).not.toBe(b.item.id);
  });
});
