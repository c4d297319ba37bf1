import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, runMigrations } from "../../src/room/migrations";
import type { ListRoom } from "../../src/room/ListRoom";
import { freshRoom } from "./roomHarness";

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
