import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, runMigrations } from "../../src/room/migrations";
import type { ListRoom } from "../../src/room/ListRoom";
import { newItemId } from "../../src/shared/itemId";
import { hashToken } from "../../src/shared/tokens";
import { freshRoom, roomNamed, TEST_OWNER_KEY } from "./roomHarness";

describe("migrations", () => {
  it("records every migration once, in order, and running again changes nothing", async () => {
    const ids = await runInDurableObject(await freshRoom(), (_room: ListRoom, state) => {
      runMigrations(state.storage);
      return state.storage.sql.exec<{ id: string }>("SELECT id FROM _migrations ORDER BY id").toArray().map((r) => r.id);
    });
    expect(ids).toEqual(MIGRATIONS.map((migration) => migration.id));
  });

  it("refuses to run on storage whose history this code does not know", async () => {
    const error = await runInDurableObject(await freshRoom(), (_room: ListRoom, state) => {
      runMigrations(state.storage);
      state.storage.sql.exec("INSERT INTO _migrations (id, applied_at) VALUES ('000_foreign', 0)");
      try {
        runMigrations(state.storage);
        return null;
      } catch (thrown) {
        return String(thrown);
      }
    });
    expect(error).toMatch(/000_foreign/);
  });
});

describe("008_done", () => {
  it("items saved before it are not done and were never ticked, and can be ticked after it", async () => {
    const id = `test-${crypto.randomUUID()}`;
    const room = roomNamed(id);
    const doneIndex = MIGRATIONS.findIndex((migration) => migration.id === "008_done");
    const itemId = newItemId(1);
    // Storage as the code before 008_done left it, holding one item.
    await runInDurableObject(room, (_room: ListRoom, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
      for (const migration of MIGRATIONS.slice(0, doneIndex)) {
        sql.exec(migration.sql);
        migration.rewrite?.(sql);
        sql.exec("INSERT INTO _migrations (id, applied_at) VALUES (?, ?)", migration.id, Date.now());
      }
      sql.exec("INSERT INTO items (pos, id, title, body, created_at) VALUES (1, ?, 'old', 'saved before', 0)", itemId);
    });
    expect(await room.createList({ id, title: "Old list", createdAt: new Date().toISOString() }, await hashToken(TEST_OWNER_KEY))).toBe(true);
    const page = await room.listItems({ before: null, limit: 10 });
    expect(page.ok && page.value.items).toEqual([
      { id: itemId, title: "old", body: "saved before", createdAt: new Date(0).toISOString(), version: 1, updatedAt: null, done: false, doneAt: null },
    ]);
    const ticked = await room.editItem({ itemId, key: null, expected: 1, group: null }, { done: true });
    expect(ticked).toMatchObject({ ok: true, value: { done: true, version: 2 } });
  });
});
