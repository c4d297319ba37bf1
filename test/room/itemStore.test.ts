import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { runMigrations } from "../../src/delivery/platform/migrate";
import { taggedSql } from "../../src/delivery/platform/sql";
import { emptyUsage } from "../../src/delivery/platform/usage";
import { ItemStore } from "../../src/room/itemStore";
import { ListTotals } from "../../src/room/listTotals";
import type { ListRoom } from "../../src/room/ListRoom";
import { LIST_SCHEMAS } from "../../src/room/migrations";
import { deliveryLogContract } from "../delivery/log/deliveryLogContract";

deliveryLogContract("the list's item store", (test) =>
  // A list never created: its object's storage is the test's alone.
  runInDurableObject(env.LIST_ROOM.getByName(`test-item-store-${crypto.randomUUID()}`), (_room: ListRoom, state) => {
    runMigrations(state.storage, LIST_SCHEMAS);
    const sql = taggedSql(state.storage.sql, emptyUsage());
    const items = new ItemStore(sql, new ListTotals(sql));
    const live = (itemPos: number) => {
      const stored = items.at(itemPos);
      if (!stored?.item) throw new Error(`no live item at ${itemPos}`);
      return { ...stored, item: stored.item };
    };
    const write = <T>(change: () => T) => state.storage.transactionSync(change);
    test({
      log: items,
      save: (title, body, at) => write(() => items.append(items.lastPos() + 1, { title, body }, null, at, null)),
      edit: (itemPos, title, at) => write(() => items.edit(live(itemPos), { title }, ["title"], null, items.lastPos() + 1, at)),
      remove: (itemPos, at) => write(() => items.remove(live(itemPos), items.lastPos() + 1, at)),
    });
  }),
);
