/**
 * One list: its items, its WebSocket audience and the delivery protocol
 * (docs/PROTOCOL.md). Commands arrive as RPC; `fetch` is only the WebSocket
 * upgrade. Sockets use the hibernation API, so everything a socket needs
 * after the object sleeps is in its attachment or in SQL. roomParts.ts wires
 * the parts; each hook hands off to one: connect.ts (arrival, departure),
 * intake.ts (a client's frames), delivery/ (broadcast, acks, resends),
 * alarm.ts (one alarm, several duties), itemCommands.ts (changes),
 * itemPages.ts (reads), unusedList.ts (deleting a list never written to),
 * src/relay/listRelays.ts (feeding and answering the list's relays).
 */
import { DurableObject } from "cloudflare:workers";
import { errorBody, ErrorCode } from "../protocol/errors";
import type { RenamedFrame } from "../protocol/frames";
import type { Item, ItemPatch, NewItem } from "../protocol/item";
import { DEFAULT_LIST_ID, type ListInfo } from "../protocol/lists";
import type { Outcome } from "../shared/outcome";
import type { ListRelay } from "../relay/ListRelay";
import type { RelayVars } from "../relay/arrivalRouter";
import type { CatchUp, RelayCounts, RelayReportAnswer } from "../relay/relayTypes";
import type { ReplicaSeed } from "../relay/replica";
import type { RoomVars } from "./config";
import type { ChangeRequest, Saved } from "./itemCommands";
import { listPage, oneItem, searchPage, type ListQuery } from "./itemPages";
import type { Page } from "./itemStore";
import type { OwnerCheck } from "./listMeta";
import { hasSchema, runMigrations, setUpAt } from "./migrations";
import { buildRoomParts, type RoomParts } from "./roomParts";
import { emptyUsage, type RoomUsage } from "./usage";

export type { ListQuery } from "./itemPages";

/** A list's vars, and its relays' namespace. */
export type ListRoomEnv = RoomVars & RelayVars & { LIST_RELAY: DurableObjectNamespace<ListRelay> };

const NO_SUCH_LIST = { ok: false, error: { code: ErrorCode.NotFound, message: "there is no such list" } } as const;

export class ListRoom extends DurableObject<ListRoomEnv> {
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly listId = this.ctx.id.name ?? this.ctx.id.toString();
  private readonly parts: RoomParts;
  /** Whether storage is set up; a named list's is set up when it is created, so asking about others writes nothing. */
  private ready = false;

  constructor(ctx: DurableObjectState, env: ListRoomEnv) {
    super(ctx, env);
    this.parts = buildRoomParts({ ctx, env, listId: this.listId, usage: this.usageCounters, ready: () => this.ready });
    void ctx.blockConcurrencyWhile(async () => {
      await this.parts.alarms.load();
      if (this.listId === DEFAULT_LIST_ID || hasSchema(ctx.storage)) this.setUp();
    });
  }

  /**
   * Whether this list exists: the default list always (set up on first use),
   * a named list once created. Every command asks first, so a list never
   * created answers "no such list" and writes nothing.
   */
  private exists(): boolean {
    if (this.listId === DEFAULT_LIST_ID) this.setUp();
    return this.ready;
  }

  /** Sets storage up (once): the default list on first use, a named list when it is created. */
  private setUp(): void {
    if (this.ready) return;
    runMigrations(this.ctx.storage);
    this.parts.editKeys.ensureSecret();
    this.parts.delivery.readPosition();
    this.parts.sessions.detachThoseWithoutSocket(Date.now());
    this.parts.relays.feed.load(Date.now());
    this.ready = true;
    this.parts.unused.scheduleIfUnused();
    this.parts.tombstones.resumeAfterStart(Date.now());
  }

  // ---- The list -------------------------------------------------------------

  /** Creates this list; false if it exists already. */
  createList(info: ListInfo, ownerKeyHash: string): boolean {
    if (this.ready && this.parts.meta.info(this.listId, 0) !== null) return false;
    this.setUp();
    this.parts.meta.create(info, ownerKeyHash);
    this.parts.unused.scheduleIfUnused();
    return true;
  }

  /** The list, or null for one never created. Reads only, so asking about any id writes nothing. */
  listInfo(): ListInfo | null {
    return this.ready ? this.parts.meta.info(this.listId, setUpAt(this.ctx.storage)) : null;
  }

  /** Whether `key` is this list's owner key, changing nothing; null for a list never created. */
  async checkOwner(key: string): Promise<OwnerCheck | null> {
    return this.listInfo() === null ? null : this.parts.meta.checkOwner(this.listId, key);
  }

  async renameList(title: string, ownerKey: string): Promise<Outcome<ListInfo>> {
    if (!this.ready || this.listInfo() === null) return { ok: false, error: { code: ErrorCode.NotFound, message: "no such list" } };
    const renamed = await this.parts.meta.renameAsOwner(this.listId, title, ownerKey, setUpAt(this.ctx.storage));
    if (!renamed.ok) return renamed;
    // Every open page shows the new title at once; one that is away learns it from its next welcome.
    this.parts.out.toEach(this.parts.audience.open(), { type: "renamed", title: renamed.value.title } satisfies RenamedFrame);
    this.parts.relays.feed.tellRenamed(renamed.value.title);
    return renamed;
  }

  // ---- Items ----------------------------------------------------------------

  /**
   * `group` is the client's address group (src/worker/clientAddress.ts), for the list-wide ceiling; null if exempt.
   * `writer` is who saves (`Listroom-Writer`), or null for none.
   */
  async addItem(input: NewItem, idempotencyKey: string | null, group: string | null = null, writer: string | null = null): Promise<Outcome<Saved>> {
    return this.exists() ? this.parts.commands.save(input, idempotencyKey, group, writer, Date.now()) : NO_SUCH_LIST;
  }

  async editItem(request: ChangeRequest, patch: ItemPatch): Promise<Outcome<Item>> {
    return this.exists() ? this.parts.commands.edit(request, patch, Date.now()) : NO_SUCH_LIST;
  }

  async removeItem(request: ChangeRequest): Promise<Outcome<null>> {
    if (!this.exists()) return NO_SUCH_LIST;
    const now = Date.now();
    const outcome = await this.parts.commands.remove(request, now);
    if (outcome.ok) this.parts.tombstones.removed(now);
    return outcome;
  }

  /** Position of the newest log entry: what the Worker keys its cached newest page by; null for no such list. */
  newestPosition(): number | null {
    return this.exists() ? this.parts.delivery.lastPos : null;
  }

  /** One live item; `not_found` for none, or a removed one. */
  getItem(itemId: string): Outcome<Item> {
    return this.exists() ? oneItem(this.parts.items, itemId) : NO_SUCH_LIST;
  }

  listItems(query: ListQuery): Outcome<Page> {
    return this.exists() ? listPage(this.parts.items, this.parts.delivery.lastPos, query) : NO_SUCH_LIST;
  }

  /** {@link listItems}'s page of the items matching `q` (src/protocol/search.ts), from the search index. */
  searchItems(query: ListQuery & { q: string }): Outcome<Page> {
    return this.exists() ? searchPage(this.parts.items, this.parts.delivery.lastPos, query) : NO_SUCH_LIST;
  }

  /** How many sockets are open. */
  connectionCount(): number {
    return this.parts.audience.count();
  }

  /** The billable work done since this instance started. */
  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  /** The relays' share of the usage answer: calls to them, and each one's counts as it last reported. */
  relaysUsage(): { relayCalls: number; relays: Array<{ relay: number } & RelayCounts> } {
    return this.parts.relays.usage();
  }

  // ---- Relays (src/relay/) ----------------------------------------------------

  /** Relay `index` starts: the newest page at the log's end, from where it is fed. Null for no such list. */
  seedRelay(index: number): (ReplicaSeed & { others: number; title: string }) | null {
    return this.exists() ? this.parts.relays.seed(index) : null;
  }

  /** Relay `index` lacks what follows `pos` (a gap, or it woke behind). */
  entriesAfter(index: number, pos: number): CatchUp {
    return this.exists() ? this.parts.relays.entriesAfter(index, pos) : { ok: false };
  }

  /** Relay `index` says how many viewers it has; it hears the rest of the audience. */
  relayReport(index: number, counts: RelayCounts): RelayReportAnswer {
    return this.parts.relays.report(index, counts, Date.now());
  }

  // ---- The platform's hooks -------------------------------------------------

  /** The WebSocket upgrade: a socket accepted here, or, past RELAY_AFTER, placed on a relay (src/relay/arrivalRouter.ts). */
  override async fetch(request: Request): Promise<Response> {
    if (!this.exists()) return Response.json(errorBody(NO_SUCH_LIST.error.code, NO_SUCH_LIST.error.message), { status: 404 });
    return this.parts.relays.router.route(request);
  }

  // A socket of a list just deleted (unusedList.ts) may still speak or close; there is nothing left to keep.
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (this.ready) this.parts.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ready) this.parts.arrivals.leave(ws, Date.now());
    this.parts.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    if (this.ready) this.parts.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.parts.alarms.fire(Date.now());
    if (!this.parts.unused.due) return;
    await this.parts.unused.deleteList();
    this.ready = false;
  }
}
