/**
 * A list's object, wired: its stores (items, the list's own row, edit keys),
 * the delivery parts it shares with its relays (deliveryParts.ts), its side
 * of the relays (src/relay/listRelays.ts), the changes to the list
 * (itemCommands.ts) and the alarm's list duties (unused-list deletion,
 * tombstones). ListRoom.ts builds this once and delegates to it; writing the
 * next log entry (`record`) lives here, where the log, delivery and the relay
 * feed meet.
 */
import { DEFAULT_LIST_ID } from "../protocol/lists";
import { ListRelays } from "../relay/listRelays";
import { hashToken, isWellFormedToken } from "../shared/tokens";
import { ClientStore } from "./clientStore";
import { readConfig } from "./config";
import { buildDeliveryParts, type DeliveryWiring } from "./deliveryParts";
import { EditKeys } from "./editKeys";
import { ItemCommands } from "./itemCommands";
import { ItemStore, type LogEntry } from "./itemStore";
import type { ListRoomEnv } from "./ListRoom";
import { ListMeta } from "./listMeta";
import { ListTotals } from "./listTotals";
import { taggedSql } from "./sql";
import { Tombstones } from "./tombstones";
import { UnusedList } from "./unusedList";
import type { RoomUsage } from "./usage";

export interface RoomParts extends DeliveryWiring {
  items: ItemStore;
  meta: ListMeta;
  editKeys: EditKeys;
  commands: ItemCommands;
  relays: ListRelays;
  unused: UnusedList;
  tombstones: Tombstones;
}

export interface RoomNeeds {
  ctx: DurableObjectState;
  env: ListRoomEnv;
  listId: string;
  usage: RoomUsage;
  /** Whether the list's storage is set up (ListRoom.ts). */
  ready: () => boolean;
}

export function buildRoomParts({ ctx, env, listId, usage, ready }: RoomNeeds): RoomParts {
  const config = readConfig(env);
  const sql = taggedSql(ctx.storage.sql, usage);
  const totals = new ListTotals(sql);
  const items = new ItemStore(sql, totals);
  const meta = new ListMeta(sql, env.OWNER_KEY);
  const editKeys = new EditKeys(sql);
  const listTitle = () => meta.title();
  const wider = { total: (open: number) => open + relays.feed.relayedPeople(), told: (count: number) => relays.feed.tellOthers(count) };
  const delivery = buildDeliveryParts({ ctx, config, sql, usage, log: items, listTitle, wider });
  const { out, audience, alarms: alarm, headCount, arrivals, limits } = delivery;
  const lastPos = () => delivery.delivery.lastPos;
  const clients = new ClientStore(sql);
  const relays = new ListRelays({
    env,
    listId,
    sql,
    log: items,
    lastPos,
    ownCount: () => audience.count(),
    ownPeople: () => audience.people(),
    alarm,
    countsChanged: (now) => headCount.changed(now),
    here: (request) => arrivals.arrive(request),
    holds: async (token) => isWellFormedToken(token) && clients.findByTokenHash(await hashToken(token), Date.now() - config.resumeTokenGraceMs) !== null,
    title: listTitle,
  });
  alarm.assign("relays", (now) => relays.feed.onAlarm(now));
  // What the deletion of a list never written to asks; the default list has no creation time, so it stays.
  const createdAt = () => {
    const info = listId === DEFAULT_LIST_ID || !ready() ? null : meta.info(listId, 0);
    return info ? Date.parse(info.createdAt) : null;
  };
  const unused = new UnusedList({ ctx, out, alarm, list: { createdAt, written: () => lastPos() > 0 } });
  alarm.assign("unused-list", (now) => unused.onAlarm(now));
  const tombstones = new Tombstones(items, alarm, config.resumeWindowMs);
  alarm.assign("tombstones", (now) => (ready() ? tombstones.onAlarm(now) : null));
  /** Writes the next log entry and delivers it to every open socket, with no await between, so entries go out in order. */
  const record = (write: (pos: number) => LogEntry): LogEntry => {
    const entry = ctx.storage.transactionSync(() => write(lastPos() + 1));
    const now = Date.now();
    delivery.delivery.deliver(entry, now);
    relays.feed.delivered(entry, now);
    return entry;
  };
  const { listSavesPerMinute, ceilings } = config;
  const commands = new ItemCommands({ items, editKeys, meta, limits, listId, listSavesPerMinute, totals, ceilings, record });
  return { ...delivery, items, meta, editKeys, commands, relays, unused, tombstones };
}
