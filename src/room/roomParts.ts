/**
 * A list's object, wired in order, each part built after the parts it uses:
 * the list's stores (items, the list's own row, edit keys), the engine over
 * the list's log (src/delivery/engine.ts), the list's side of its relays
 * (relays/listRelays.ts, which then widens the engine's head count), the
 * alarm's list duties (unused-list deletion, tombstones), the changes to the
 * list (itemCommands.ts), and last its life (listLife.ts: whether it exists,
 * setting the others up). ListRoom.ts builds this once and routes to it;
 * writing the next log entry (`record`) lives here, where the log, delivery
 * and the relay feed meet.
 */
import { readDeliveryConfig, type DeliveryVars } from "../delivery/config";
import { buildEngine, type Engine } from "../delivery/engine";
import { taggedSql } from "../delivery/platform/sql";
import type { RoomUsage } from "../delivery/platform/usage";
import { ClientStore } from "../delivery/sessions/clientStore";
import { DEFAULT_LIST_ID } from "../protocol/lists";
import type { LogEntry } from "../shared/logEntry";
import type { RelayObject } from "../shared/relayRpc";
import { hashToken, isWellFormedToken } from "../shared/tokens";
import { EditKeys } from "./editKeys";
import { ItemCommands } from "./itemCommands";
import { ItemStore } from "./itemStore";
import { readListConfig, type ListVars } from "./listConfig";
import { ListLife, StorageState } from "./listLife";
import { ListMeta } from "./listMeta";
import { ListTotals } from "./listTotals";
import type { RelayVars } from "./relays/arrivalRouter";
import { ListRelays } from "./relays/listRelays";
import { SaveLimit } from "./saveLimit";
import { Tombstones } from "./tombstones";
import { UnusedList } from "./unusedList";

/** A list's vars, and its relays' namespace. */
export type ListRoomEnv = DeliveryVars & ListVars & RelayVars & { LIST_RELAY: DurableObjectNamespace<RelayObject> };

export interface RoomParts {
  engine: Engine;
  items: ItemStore;
  meta: ListMeta;
  editKeys: EditKeys;
  relays: ListRelays;
  unused: UnusedList;
  tombstones: Tombstones;
  commands: ItemCommands;
  life: ListLife;
}

export interface RoomNeeds {
  ctx: DurableObjectState;
  env: ListRoomEnv;
  listId: string;
  usage: RoomUsage;
}

export function buildRoomParts({ ctx, env, listId, usage }: RoomNeeds): RoomParts {
  const state = new StorageState();
  const ready = () => state.ready;
  const config = readDeliveryConfig(env);
  const { listSavesPerMinute, ceilings } = readListConfig(env);
  const sql = taggedSql(ctx.storage.sql, usage);
  const totals = new ListTotals(sql);
  const items = new ItemStore(sql, totals);
  const meta = new ListMeta(sql, env.OWNER_KEY);
  const editKeys = new EditKeys(sql);
  const title = () => meta.title();
  const engine = buildEngine({ ctx, config, sql, usage, log: items, title });
  const { audience, alarms, delivery, headCount, arrivals, outbound } = engine;
  const lastPos = () => delivery.lastPos;
  const clients = new ClientStore(sql);
  const relays = new ListRelays({
    env,
    listId,
    sql,
    log: items,
    lastPos,
    ownCount: () => audience.count(),
    ownPeople: () => audience.people(),
    alarms,
    countsChanged: (now) => headCount.changed(now),
    here: (request) => arrivals.arrive(request),
    holds: async (token) => isWellFormedToken(token) && clients.findByTokenHash(await hashToken(token), Date.now() - config.resumeTokenGraceMs) !== null,
    title,
  });
  // The head count reaches the relays' viewers too, and each relay hears the rest of the audience.
  headCount.widen({ total: (open) => open + relays.feed.relayedPeople(), told: (count) => relays.feed.tellOthers(count) });
  // What the deletion of a list never written to asks; the default list has no creation time, so it stays.
  const createdAt = () => {
    const info = listId === DEFAULT_LIST_ID || !ready() ? null : meta.info(listId, 0);
    return info ? Date.parse(info.createdAt) : null;
  };
  const unused = new UnusedList({ ctx, outbound, alarms, list: { createdAt, written: () => lastPos() > 0 } });
  const tombstones = new Tombstones(items, alarms, config.resumeWindowMs, ready);
  /** Writes the next log entry and delivers it to every open socket, with no await between, so entries go out in order. */
  const record = (write: (pos: number) => LogEntry): LogEntry => {
    const entry = ctx.storage.transactionSync(() => write(lastPos() + 1));
    const now = Date.now();
    delivery.deliver(entry, now);
    relays.feed.delivered(entry, now);
    return entry;
  };
  const limits = new SaveLimit(listSavesPerMinute, Date.now());
  const commands = new ItemCommands({ items, editKeys, meta, limits, listId, listSavesPerMinute, totals, ceilings, record });
  const life = new ListLife({ ctx, listId, state, engine, meta, editKeys, relays, unused, tombstones });
  return { engine, items, meta, editKeys, relays, unused, tombstones, commands, life };
}
