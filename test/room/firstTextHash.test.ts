/**
 * Migration 006: a repeated save is compared with what it first sent by
 * hash, and no earlier text of an item is kept. Storage written by code
 * before 006 (its `first_text` copies) is converted in place.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ItemStore } from "../../src/room/itemStore";
import { ListTotals } from "../../src/room/listTotals";
import type { ListRoom } from "../../src/room/ListRoom";
import { runMigrations } from "../../src/delivery/platform/migrate";
import { taggedSql } from "../../src/delivery/platform/sql";
import { emptyUsage } from "../../src/delivery/platform/usage";
import { LIST_SCHEMAS } from "../../src/room/migrations";
import { textHash } from "../../src/room/textHash";
import { migrateBefore } from "./oldStorage";
import { freshRoom, TEST_OWNER_KEY } from "./roomHarness";

describe("migration 006: first_text becomes a hash", () => {
  it("hashes the first text of keyed items (edited or not), forgets removed ones, and drops every copy of earlier text", async () => {
    // A list never created: its object has no storage until the test writes the old schema.
    const stub = env.LIST_ROOM.getByName(`test-old-schema-${crypto.randomUUID()}`);
    const result = await runInDurableObject(stub, (_room: ListRoom, state) => {
      const sql = state.storage.sql;
      migrateBefore(sql, "006_first_text_hash", 1);
      const insert = (pos: number, key: string | null, title: string, body: string, firstText: string | null, removed: boolean) =>
        sql.exec(
          `INSERT INTO items (pos, id, title, body, created_at, idempotency_key, version, first_text, removed_at)
           VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)`,
          pos, `${pos}-0123456789abcdef`, title, body, key, firstText === null ? 1 : 2, firstText, removed ? 2 : null,
        );
      insert(1, "unedited-key-0000001", "milk", "two litres", null, false);
      insert(2, "edited-key-00000002", "bread, edited", "rye now", JSON.stringify(["bread", "white"]), false);
      insert(3, "removed-key-0000003", "", "", null, true);
      insert(4, null, "no key", "body", null, false);

      runMigrations(state.storage, LIST_SCHEMAS);

      const columns = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('items')`).toArray().map((c) => c.name);
      const hashes = sql.exec<{ pos: number; first_text_hash: string | null }>(`SELECT pos, first_text_hash FROM items ORDER BY pos`).toArray();
      const everything = JSON.stringify(sql.exec(`SELECT * FROM items`).toArray());
      const rows = taggedSql(sql, emptyUsage());
      const items = new ItemStore(rows, new ListTotals(rows));
      const sameText = (key: string, title: string, body: string) => items.findByIdempotencyKey(key, { title, body })?.sameText;
      return {
        columns,
        hashes,
        everything,
        replays: {
          unedited: sameText("unedited-key-0000001", "milk", "two litres"),
          editedFirst: sameText("edited-key-00000002", "bread", "white"),
          editedNow: sameText("edited-key-00000002", "bread, edited", "rye now"),
        },
      };
    });
    expect(result.columns).toContain("first_text_hash");
    expect(result.columns).not.toContain("first_text");
    expect(result.hashes).toEqual([
      { pos: 1, first_text_hash: textHash({ title: "milk", body: "two litres" }) },
      { pos: 2, first_text_hash: textHash({ title: "bread", body: "white" }) },
      { pos: 3, first_text_hash: null },
      { pos: 4, first_text_hash: null },
    ]);
    expect(result.everything).not.toContain("white");
    expect(result.replays).toEqual({ unedited: true, editedFirst: true, editedNow: false });
  });

  it("an edited item keeps no earlier text in storage, and a repeat of its save still replays by hash", async () => {
    const room = await freshRoom();
    const key = crypto.randomUUID();
    const saved = await room.addItem({ title: "original wording", body: "original body text" }, key);
    if (!saved.ok) throw new Error("save refused");
    const edited = await room.editItem(
      { itemId: saved.value.item.id, key: TEST_OWNER_KEY, expected: null, group: null },
      { title: "second title", body: "second body" },
    );
    expect(edited.ok).toBe(true);
    const stored = await runInDurableObject(room, (_room: ListRoom, state) =>
      JSON.stringify(state.storage.sql.exec(`SELECT * FROM items`).toArray()),
    );
    expect(stored).not.toContain("original");
    expect(await room.addItem({ title: "original wording", body: "original body text" }, key)).toMatchObject({ ok: true, value: { replayed: true } });
    expect(await room.addItem({ title: "second title", body: "second body" }, key)).toMatchObject({
      ok: false,
      error: { code: "idempotency_key_reused" },
    });
  });
});
