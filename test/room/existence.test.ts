import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ListRoom } from "../../src/room/ListRoom";
import { numbered } from "./roomHarness";

const notFound = { ok: false, error: { code: "not_found", message: "there is no such list" } };

describe("a list never created", () => {
  it("answers every command with no such list, and writes nothing", async () => {
    const room = env.LIST_ROOM.getByName(`never-${crypto.randomUUID()}`);
    const change = { itemId: "1-0123456789abcdef", key: "k", expected: null, group: null };
    expect(await room.addItem(numbered(1), "key")).toEqual(notFound);
    expect(await room.listItems({ before: null, limit: 10 })).toEqual(notFound);
    expect(await room.editItem(change, { title: "x" })).toEqual(notFound);
    expect(await room.removeItem(change)).toEqual(notFound);
    expect(await room.newestPosition()).toBeNull();
    expect(await room.listInfo()).toBeNull();
    const upgrade = await room.fetch("http://room/ws", { headers: { Upgrade: "websocket" } });
    expect(upgrade.status).toBe(404);
    expect(await upgrade.json()).toEqual({ error: notFound.error });
    const tables = await runInDurableObject(room, (_: ListRoom, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master").toArray(),
    );
    expect(tables).toEqual([]);
  });
});
