import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runMigrations } from "../../src/delivery/platform/migrate";
import { taggedSql } from "../../src/delivery/platform/sql";
import { emptyUsage } from "../../src/delivery/platform/usage";
import type { Item } from "../../src/protocol/item";
import type { ListRelay } from "../../src/relay/ListRelay";
import { RELAY_SCHEMAS } from "../../src/relay/relayMigrations";
import { Replica } from "../../src/relay/replica";
import { newItemId } from "../../src/shared/itemId";
import type { LogEntry } from "../../src/shared/logEntry";
import { deliveryLogContract } from "../delivery/log/deliveryLogContract";

function item(pos: number, title: string, version = 1): Item {
  return { id: newItemId(pos), title, body: "", createdAt: new Date(pos * 1000).toISOString(), version, updatedAt: null, done: false, doneAt: null };
}

/** Runs `body` on a replica in the SQLite of a relay object of its own (no list behind it). */
function withReplica<T>(body: (replica: Replica, sql: ReturnType<typeof taggedSql>, storage: DurableObjectStorage) => T): Promise<T> {
  const stub = env.LIST_RELAY.getByName(`replica-test-${crypto.randomUUID()}/relay/0`);
  return runInDurableObject(stub, (_relay: ListRelay, state) => {
    runMigrations(state.storage, RELAY_SCHEMAS);
    const sql = taggedSql(state.storage.sql, emptyUsage());
    return body(new Replica(sql), sql, state.storage);
  });
}

// A replica seeded at an empty list and fed every entry after it, as the list's object feeds it.
deliveryLogContract("a relay's replica", (test) =>
  withReplica((replica, _sql, storage) => {
    storage.transactionSync(() => replica.seed({ lastPos: 0, page: { items: [], hasOlder: false } }));
    const items = new Map<number, Item>();
    const feed = (entry: LogEntry): LogEntry => {
      if (!storage.transactionSync(() => replica.apply(entry))) throw new Error(`the replica refused entry ${entry.pos}`);
      return entry;
    };
    const live = (itemPos: number): Item => {
      const found = items.get(itemPos);
      if (!found) throw new Error(`no live item at ${itemPos}`);
      return found;
    };
    test({
      log: replica,
      save: (title, body, at) => {
        const pos = replica.lastPos() + 1;
        const saved: Item = { id: newItemId(pos), title, body, createdAt: new Date(at).toISOString(), version: 1, updatedAt: null, done: false, doneAt: null };
        items.set(pos, saved);
        return feed({ pos, at, kind: "item", itemId: saved.id, item: saved });
      },
      edit: (itemPos, title, at) => {
        const was = live(itemPos);
        const edited: Item = { ...was, title, version: was.version + 1, updatedAt: new Date(at).toISOString() };
        items.set(itemPos, edited);
        return feed({ pos: replica.lastPos() + 1, at, kind: "edited", itemId: was.id, item: edited });
      },
      remove: (itemPos, at) => {
        const was = live(itemPos);
        items.delete(itemPos);
        return feed({ pos: replica.lastPos() + 1, at, kind: "removed", itemId: was.id, item: null });
      },
    });
  }),
);

describe("the relay's replica", () => {
  it("answers range, entryAt and pageBelow after its seed as the list's log does, and ignores what is out of order", async () => {
    await withReplica((replica) => {
      const old = item(1, "old");
      const seeded = item(2, "seeded");
      replica.seed({ lastPos: 2, page: { items: [seeded], hasOlder: true } });
      const fresh = item(3, "fresh");
      const save: LogEntry = { pos: 3, at: 3_000, kind: "item", itemId: fresh.id, item: fresh };
      expect(replica.apply({ ...save, pos: 5 })).toBe(false);
      expect(replica.apply(save)).toBe(true);
      expect(replica.apply(save)).toBe(false);
      const renamedOld = { ...old, title: "renamed", version: 2 };
      expect(replica.apply({ pos: 4, at: 4_000, kind: "edited", itemId: old.id, item: renamedOld })).toBe(true);
      expect(replica.apply({ pos: 5, at: 5_000, kind: "removed", itemId: seeded.id, item: null })).toBe(true);

      expect(replica.lastPos()).toBe(5);
      expect([...replica.range(3, 5)]).toEqual([
        save,
        { pos: 4, at: 4_000, kind: "edited", itemId: old.id, item: renamedOld },
        { pos: 5, at: 5_000, kind: "removed", itemId: seeded.id, item: null },
      ]);
      expect(replica.entryAt(4)).toBe(4_000);
      // Items older than the seed's page are not the replica's to show: the page stops and says there are older ones.
      expect(replica.pageBelow(6, 50)).toEqual({ items: [fresh], hasOlder: true });
    });
  });

  it("forgets changes no session here can still be sent, and removed items, but keeps live ones", async () => {
    await withReplica((replica, sql) => {
      replica.seed({ lastPos: 0, page: { items: [], hasOlder: false } });
      const first = item(1, "first");
      const second = item(2, "second");
      replica.apply({ pos: 1, at: 1, kind: "item", itemId: first.id, item: first });
      replica.apply({ pos: 2, at: 2, kind: "item", itemId: second.id, item: second });
      replica.apply({ pos: 3, at: 3, kind: "removed", itemId: first.id, item: null });
      replica.apply({ pos: 4, at: 4, kind: "edited", itemId: second.id, item: { ...second, version: 2 } });
      sql`INSERT INTO clients (client_id, token_hash, base_pos, connection_id, disconnected_at, created_at) VALUES ('c', 'h', 3, 'x', NULL, 0)`;
      replica.prune();
      expect([...replica.range(4, 4)].map((entry) => entry.pos)).toEqual([4]);
      expect(replica.entryAt(3)).toBeNull();
      expect(sql<{ n: number }>`SELECT COUNT(*) AS n FROM replica_items WHERE pos = 1`[0]!.n).toBe(0);
      expect(replica.pageBelow(5, 50)).toEqual({ items: [{ ...second, version: 2 }], hasOlder: false });
    });
  });
});
