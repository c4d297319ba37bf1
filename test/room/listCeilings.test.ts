/**
 * Ceilings per list (src/room/listTotals.ts): `LIST_MAX_ITEMS` live items and
 * `LIST_MAX_BYTES` of item text. A save past either, or an edit that grows
 * the text past it, is refused with `list_full`; removed items do not count.
 * The totals are one SQL row kept by each change's own transaction.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors";
import type { ListRoom } from "../../src/room/ListRoom";
import { freshRoom, numbered, overrideVar, save, TEST_OWNER_KEY, type RoomStub } from "./roomHarness";
import { request } from "../worker/request";

const owner = (itemId: string) => ({ itemId, key: TEST_OWNER_KEY, expected: null, group: null });

async function storedTotals(room: RoomStub) {
  return runInDurableObject(room, (_room: ListRoom, state) => {
    const kept = state.storage.sql.exec<{ items: number; text_bytes: number }>("SELECT items, text_bytes FROM list_totals").one();
    const counted = state.storage.sql
      .exec<{ items: number; text_bytes: number }>(
        `SELECT COUNT(*) AS items, COALESCE(SUM(LENGTH(CAST(title AS BLOB)) + LENGTH(CAST(body AS BLOB))), 0) AS text_bytes
         FROM items WHERE removed_at IS NULL`,
      )
      .one();
    return { kept, counted };
  });
}

describe("list ceilings", () => {
  it("a save past LIST_MAX_ITEMS is refused with list_full, and a removal makes room again", async () => {
    overrideVar("LIST_MAX_ITEMS", "3");
    const room = await freshRoom();
    const saved = [await save(room, numbered(1)), await save(room, numbered(2)), await save(room, numbered(3))];
    const refused = await room.addItem(numbered(4), null);
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.ListFull } });
    const listed = await room.listItems({ before: null, limit: 200 });
    expect(listed.ok && listed.value.items).toHaveLength(3);

    expect((await room.removeItem(owner(saved[0]!.id))).ok).toBe(true);
    expect((await room.addItem(numbered(5), null)).ok).toBe(true);
    expect(await room.addItem(numbered(6), null)).toMatchObject({ ok: false, error: { code: ErrorCode.ListFull } });
  });

  it("a save past LIST_MAX_BYTES of text (UTF-8) is refused, and so is an edit that grows the text past it", async () => {
    overrideVar("LIST_MAX_BYTES", "1000");
    const room = await freshRoom();
    // 300 three-byte characters: 900 bytes, though 300 characters.
    const big = await save(room, { title: "big", body: "€".repeat(299) });
    const refused = await room.addItem({ title: "t", body: "x".repeat(100) }, null);
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.ListFull } });
    const small = await save(room, { title: "s", body: "x".repeat(90) });

    const grown = await room.editItem(owner(small.id), { body: "x".repeat(200) });
    expect(grown).toMatchObject({ ok: false, error: { code: ErrorCode.ListFull } });
    // An edit that shrinks or keeps its size still goes through.
    expect((await room.editItem(owner(big.id), { body: "€".repeat(10) })).ok).toBe(true);
    expect((await room.editItem(owner(small.id), { body: "y".repeat(200) })).ok).toBe(true);
  });

  it("a repeated save (same Idempotency-Key) of a full list is answered as a replay, not refused", async () => {
    overrideVar("LIST_MAX_ITEMS", "1");
    const room = await freshRoom();
    const key = crypto.randomUUID();
    const first = await room.addItem(numbered(1), key);
    const again = await room.addItem(numbered(1), key);
    expect(again).toMatchObject({ ok: true, value: { replayed: true, item: first.ok ? first.value.item : null } });
  });

  it("the totals are one row kept in step with every save, edit and removal", async () => {
    const room = await freshRoom();
    const a = await save(room, { title: "ä", body: "ünïcode" });
    await save(room, numbered(2));
    await room.editItem(owner(a.id), { body: "longer text than before" });
    await room.removeItem(owner(a.id));
    const { kept, counted } = await storedTotals(room);
    expect(kept).toEqual(counted);
    expect(kept.items).toBe(1);
    expect(kept.text_bytes).toBe("item 2".length + "body 2".length);
  });

  it("the Worker answers a save to a full list with 409 list_full", async () => {
    overrideVar("LIST_MAX_ITEMS", "1");
    const created = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { list } = await created.json<{ list: { id: string } }>();
    const post = (title: string) =>
      request(`/api/lists/${list.id}/items`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title, body: "b" }),
      });
    expect((await post("first")).status).toBe(201);
    const full = await post("second");
    expect(full.status).toBe(409);
    expect(await full.json()).toMatchObject({ error: { code: "list_full", message: expect.stringMatching(/full/) } });
  });
});
