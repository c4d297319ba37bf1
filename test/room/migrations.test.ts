import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runMigrations } from "../../src/delivery/platform/migrate";
import type { ListRoom } from "../../src/room/ListRoom";
import { LIST_SCHEMAS } from "../../src/room/migrations";
import { newItemId } from "../../src/shared/itemId";
import { hashToken } from "../../src/shared/tokens";
import { migrateBefore } from "./oldStorage";
import { connectFresh, freshRoom, roomNamed, TEST_OWNER_KEY } from "./roomHarness";

/** What running the list's migrations says when it refuses, or null when it runs. */
function refusalOf(storage: DurableObjectStorage): string | null {
  try {
    runMigrations(storage, LIST_SCHEMAS);
    return null;
  } catch (thrown) {
    return String(thrown);
  }
}

const recorded = (sql: SqlStorage) => sql.exec<{ id: string }>("SELECT id FROM _migrations ORDER BY id").toArray().map((row) => row.id);

describe("migrations", () => {
  it("records every migration of the list's schemas once, and running again changes nothing", async () => {
    const ids = await runInDurableObject(await freshRoom(), (_room: ListRoom, state) => {
      runMigrations(state.storage, LIST_SCHEMAS);
      return recorded(state.storage.sql);
    });
    expect(ids).toEqual(LIST_SCHEMAS.flatMap((schema) => schema.migrations.map((migration) => migration.id)).sort());
  });

  it("refuses to run on storage whose history this code does not know", async () => {
    const error = await runInDurableObject(await freshRoom(), (_room: ListRoom, state) => {
      runMigrations(state.storage, LIST_SCHEMAS);
      state.storage.sql.exec("INSERT INTO _migrations (id, applied_at) VALUES ('000_foreign', 0)");
      return refusalOf(state.storage);
    });
    expect(error).toMatch(/000_foreign/);
  });

  it("refuses to run on storage that skipped a migration of one schema", async () => {
    const error = await runInDurableObject(roomNamed(`test-${crypto.randomUUID()}`), (_room: ListRoom, state) => {
      migrateBefore(state.storage.sql, "005_changes");
      state.storage.sql.exec("INSERT INTO _migrations (id, applied_at) VALUES ('006_first_text_hash', 0)");
      return refusalOf(state.storage);
    });
    expect(error).toMatch(/006_first_text_hash where this code expects 005_changes/);
  });

  it("a list set up while the sessions' table was the list's own (007 added token_issued_at) starts, and its sessions work", async () => {
    const id = `test-${crypto.randomUUID()}`;
    const room = roomNamed(id);
    // The history as the code before the sessions' own migrations recorded it: 001 … 011, 007 adding the column.
    await runInDurableObject(room, (_room: ListRoom, state) => {
      migrateBefore(state.storage.sql, "012");
      state.storage.sql.exec("ALTER TABLE clients ADD COLUMN token_issued_at INTEGER");
    });
    expect(await room.createList({ id, title: "Old list", createdAt: new Date().toISOString() }, await hashToken(TEST_OWNER_KEY))).toBe(true);
    const { welcome } = await connectFresh(room);
    const session = await runInDurableObject(room, (_room: ListRoom, state) => ({
      ids: recorded(state.storage.sql),
      issuedAt: state.storage.sql.exec<{ at: number | null }>("SELECT token_issued_at AS at FROM clients").toArray(),
    }));
    expect(session.ids).toContain("s004_token_issued_at");
    expect(session.issuedAt).toEqual([{ at: expect.any(Number) }]);
    expect(welcome.resumed).toBe(false);
  });
});

describe("008_done", () => {
  it("items saved before it are not done and were never ticked, and can be ticked after it", async () => {
    const id = `test-${crypto.randomUUID()}`;
    const room = roomNamed(id);
    const itemId = newItemId(1);
    // Storage as the code before 008_done left it, holding one item.
    await runInDurableObject(room, (_room: ListRoom, state) => {
      migrateBefore(state.storage.sql, "008_done");
      state.storage.sql.exec("INSERT INTO items (pos, id, title, body, created_at) VALUES (1, ?, 'old', 'saved before', 0)", itemId);
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
