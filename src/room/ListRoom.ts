/**
 * One list: its items, its WebSocket audience and the delivery protocol
 * (docs/PROTOCOL.md). Commands arrive as RPC; `fetch` is only the WebSocket
 * upgrade. Sockets use the hibernation API, so everything a socket needs
 * after the object sleeps is in its attachment or in SQL.
 *
 * This class builds its parts (roomParts.ts: the engine of src/delivery over
 * the list's log, and the list around it) and routes each RPC and hook to
 * one: listLife.ts (whether the list exists, creating, renaming, deleting
 * it), itemCommands.ts (changes), itemPages.ts (reads), relays/ (feeding and
 * answering the list's relays), the engine (sockets, frames, the one alarm).
 */
import { DurableObject } from "cloudflare:workers";
import { emptyUsage, type RoomUsage } from "../delivery/platform/usage";
import { errorBody, ErrorCode } from "../protocol/errors";
import type { Item, ItemPatch, NewItem } from "../protocol/item";
import type { ListInfo } from "../protocol/lists";
import type { Page } from "../shared/logEntry";
import type { Outcome } from "../shared/outcome";
import type { CatchUp, ListForRelays, RelayCounts, RelayReportAnswer, RelaySeed } from "../shared/relayRpc";
import type { ChangeRequest, Saved } from "./itemCommands";
import { listPage, oneItem, searchPage, type ListQuery } from "./itemPages";
import type { OwnerCheck } from "./listMeta";
import { buildRoomParts, type ListRoomEnv, type RoomParts } from "./roomParts";

export type { ListQuery } from "./itemPages";
export type { ListRoomEnv } from "./roomParts";

const NO_SUCH_LIST = { ok: false, error: { code: ErrorCode.NotFound, message: "there is no such list" } } as const;

export class ListRoom extends DurableObject<ListRoomEnv> implements ListForRelays {
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly list: RoomParts;

  constructor(ctx: DurableObjectState, env: ListRoomEnv) {
    super(ctx, env);
    this.list = buildRoomParts({ ctx, env, listId: ctx.id.name ?? ctx.id.toString(), usage: this.usageCounters });
    void ctx.blockConcurrencyWhile(() => this.list.life.start());
  }

  // ---- The list -------------------------------------------------------------

  /** Creates this list; false if it exists already. */
  createList(info: ListInfo, ownerKeyHash: string): boolean {
    return this.list.life.create(info, ownerKeyHash);
  }

  /** The list, or null for one never created. Reads only, so asking about any id writes nothing. */
  listInfo(): ListInfo | null {
    return this.list.life.info();
  }

  /** Whether `key` is this list's owner key, changing nothing; null for a list never created. */
  async checkOwner(key: string): Promise<OwnerCheck | null> {
    return this.list.life.checkOwner(key);
  }

  async renameList(title: string, ownerKey: string): Promise<Outcome<ListInfo>> {
    return this.list.life.rename(title, ownerKey);
  }

  // ---- Items ----------------------------------------------------------------

  /**
   * `group` is the client's address group (src/worker/clientAddress.ts), for the list-wide ceiling; null if exempt.
   * `writer` is who saves (`Listroom-Writer`), or null for none.
   */
  async addItem(input: NewItem, idempotencyKey: string | null, group: string | null = null, writer: string | null = null): Promise<Outcome<Saved>> {
    return this.list.life.exists() ? this.list.commands.save(input, idempotencyKey, group, writer, Date.now()) : NO_SUCH_LIST;
  }

  async editItem(request: ChangeRequest, patch: ItemPatch): Promise<Outcome<Item>> {
    return this.list.life.exists() ? this.list.commands.edit(request, patch, Date.now()) : NO_SUCH_LIST;
  }

  async removeItem(request: ChangeRequest): Promise<Outcome<null>> {
    if (!this.list.life.exists()) return NO_SUCH_LIST;
    const now = Date.now();
    const outcome = await this.list.commands.remove(request, now);
    if (outcome.ok) this.list.tombstones.removed(now);
    return outcome;
  }

  /** Position of the newest log entry: what the Worker keys its cached newest page by; null for no such list. */
  newestPosition(): number | null {
    return this.list.life.exists() ? this.list.engine.delivery.lastPos : null;
  }

  /** One live item; `not_found` for none, or a removed one. */
  getItem(itemId: string): Outcome<Item> {
    return this.list.life.exists() ? oneItem(this.list.items, itemId) : NO_SUCH_LIST;
  }

  listItems(query: ListQuery): Outcome<Page> {
    return this.list.life.exists() ? listPage(this.list.items, this.list.engine.delivery.lastPos, query) : NO_SUCH_LIST;
  }

  /** {@link listItems}'s page of the items matching `q` (src/protocol/search.ts), from the search index. */
  searchItems(query: ListQuery & { q: string }): Outcome<Page> {
    return this.list.life.exists() ? searchPage(this.list.items, this.list.engine.delivery.lastPos, query) : NO_SUCH_LIST;
  }

  /** How many sockets are open. */
  connectionCount(): number {
    return this.list.engine.audience.count();
  }

  /** The billable work done since this instance started. */
  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  /** The relays' share of the usage answer: calls to them, and each one's counts as it last reported. */
  relaysUsage(): { relayCalls: number; relays: Array<{ relay: number } & RelayCounts> } {
    return this.list.relays.usage();
  }

  // ---- Relays (src/relay/) ----------------------------------------------------

  /** Relay `index` starts: the newest page at the log's end, from where it is fed. Null for no such list. */
  seedRelay(index: number): RelaySeed | null {
    return this.list.life.exists() ? this.list.relays.seed(index) : null;
  }

  /** Relay `index` lacks what follows `pos` (a gap, or it woke behind). */
  entriesAfter(index: number, pos: number): CatchUp {
    return this.list.life.exists() ? this.list.relays.entriesAfter(index, pos) : { ok: false };
  }

  /** Relay `index` says how many viewers it has; it hears the rest of the audience. */
  relayReport(index: number, counts: RelayCounts): RelayReportAnswer {
    return this.list.relays.report(index, counts, Date.now());
  }

  // ---- The platform's hooks -------------------------------------------------

  /** The WebSocket upgrade: a socket accepted here, or, past RELAY_AFTER, placed on a relay (relays/arrivalRouter.ts). */
  override async fetch(request: Request): Promise<Response> {
    if (!this.list.life.exists()) return Response.json(errorBody(NO_SUCH_LIST.error.code, NO_SUCH_LIST.error.message), { status: 404 });
    return this.list.relays.router.route(request);
  }

  // A socket of a list just deleted (unusedList.ts) may still speak or close; there is nothing left to keep.
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (this.list.life.ready) this.list.engine.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    if (this.list.life.ready) this.list.engine.arrivals.leave(ws, Date.now());
    this.list.engine.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    if (this.list.life.ready) this.list.engine.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.list.engine.alarms.fire(Date.now());
    await this.list.life.afterAlarm();
  }
}
