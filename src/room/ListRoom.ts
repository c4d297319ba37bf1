/**
 * One list: its items, its WebSocket audience and the delivery protocol
 * (docs/PROTOCOL.md). Commands arrive as RPC; `fetch` is only the WebSocket
 * upgrade. Sockets use the hibernation API, so everything a socket needs
 * after the object sleeps is in its attachment or in SQL. Each hook hands
 * off to one module: connect.ts (arrival, departure), intake.ts (a client's
 * frames), delivery/ (broadcast, acks, resends, over the log's interface),
 * alarm.ts (one alarm, several duties), itemCommands.ts (changes to the list).
 */
import { DurableObject } from "cloudflare:workers";
import { errorBody, ErrorCode } from "../protocol/errors";
import { PING_TEXT, PONG_TEXT, type RenamedFrame } from "../protocol/frames";
import { CloseCode } from "../protocol/limits";
import type { Item, ItemPatch, NewItem } from "../protocol/item";
import { DEFAULT_LIST_ID, type ListInfo } from "../protocol/lists";
import type { Outcome } from "../shared/outcome";
import type { ListRelay } from "../relay/ListRelay";
import { ArrivalRouter, readPlacementRule, type RelayVars } from "../relay/arrivalRouter";
import { RelayFeed } from "../relay/relayFeed";
import type { CatchUp, RelayCounts, RelayReportAnswer } from "../relay/relayTypes";
import type { ReplicaSeed } from "../relay/replica";
import { relayName } from "../shared/relays";
import { PAGE_DEFAULT_LIMIT } from "../protocol/limits";
import { AbuseLimits } from "./abuseLimits";
import { Alarm } from "./alarm";
import { Audience } from "./audience";
import { ClientStore } from "./clientStore";
import { readConfig, type RoomVars } from "./config";
import { Connect } from "./connect";
import { ConnectionStates } from "./connection";
import { Delivery } from "./delivery/delivery";
import { EditKeys } from "./editKeys";
import { Intake } from "./intake";
import { ItemCommands, type ChangeRequest, type Saved } from "./itemCommands";
import { ItemStore, type LogEntry, type Page } from "./itemStore";
import { ListMeta, type OwnerCheck } from "./listMeta";
import { ListTotals } from "./listTotals";
import { Tombstones } from "./tombstones";
import { deletionDue, UnusedList, type ListAge } from "./unusedList";
import { hasSchema, runMigrations, setUpAt } from "./migrations";
import { Outbound } from "./outbound";
import { searchMatch } from "./searchMatch";
import { HeadCount } from "./presence";
import { Sessions } from "./sessions";
import { taggedSql } from "./sql";
import { emptyUsage, type RoomUsage } from "./usage";

export interface ListQuery {
  /** Id of the oldest item already seen; the page holds items older than it. */
  before: string | null;
  limit: number;
}

/** A list's vars, and its relays' namespace. */
export type ListRoomEnv = RoomVars & RelayVars & { LIST_RELAY: DurableObjectNamespace<ListRelay> };

const NO_SUCH_LIST = { ok: false, error: { code: ErrorCode.NotFound, message: "there is no such list" } } as const;

export class ListRoom extends DurableObject<ListRoomEnv> {
  private readonly usageCounters: RoomUsage = emptyUsage();
  /** Calls to relays since this instance started (kept apart from the room's counters, whose set the usage answer fixes). */
  private readonly relayUsage = { relayCalls: 0 };
  private readonly listId = this.ctx.id.name ?? this.ctx.id.toString();
  private readonly items: ItemStore;
  private readonly sessions: Sessions;
  private readonly audience: Audience;
  private readonly delivery: Delivery;
  private readonly alarms: Alarm;
  private readonly arrivals: Connect;
  private readonly intake: Intake;
  private readonly meta: ListMeta;
  private readonly editKeys: EditKeys;
  private readonly commands: ItemCommands;
  private readonly relays: RelayFeed;
  private readonly router: ArrivalRouter;
  private readonly unused: UnusedList;
  private readonly tombstones: Tombstones;
  private readonly out: Outbound;
  /** Whether storage is set up; a named list's is set up when it is created, so asking about others writes nothing. */
  private ready = false;

  constructor(ctx: DurableObjectState, env: ListRoomEnv) {
    super(ctx, env);
    const config = readConfig(env);
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    const out = new Outbound(this.usageCounters, (ws) => this.audience.closing(ws));
    this.out = out;
    const states = new ConnectionStates();
    const limits = new AbuseLimits(config, Date.now());
    const totals = new ListTotals(sql);
    this.items = new ItemStore(sql, totals);
    this.meta = new ListMeta(sql, env.OWNER_KEY);
    this.editKeys = new EditKeys(sql);
    this.sessions = new Sessions(new ClientStore(sql), ctx, states, out, config.resumeWindowMs, config.resumeTokenGraceMs);
    this.audience = new Audience(ctx, states);
    this.alarms = new Alarm(ctx.storage, this.usageCounters);
    const { items: log, sessions, audience, alarms: alarm } = this;
    this.delivery = new Delivery({ log, out, states, config, audience, alarm, sessions });
    const relay = (index: number, hint: DurableObjectLocationHint | null = null) =>
      env.LIST_RELAY.getByName(relayName(this.listId, index), hint === null ? undefined : { locationHint: hint });
    this.relays = new RelayFeed({
      sql,
      log,
      lastPos: () => this.delivery.lastPos,
      ownCount: () => audience.count(),
      relay,
      alarm,
      usage: this.relayUsage,
      countsChanged: (now) => headCount.changed(now),
    });
    const headCount = new HeadCount(config.presenceIntervalMs, audience, out, alarm, {
      total: (open) => open + this.relays.relayedCount(),
      told: (count) => this.relays.tellOthers(count),
    });
    alarm.assign("resend", (now) => this.delivery.resendRound(now));
    alarm.assign("presence", (now) => headCount.onAlarm(now));
    alarm.assign("relays", (now) => this.relays.onAlarm(now));
    const listTitle = () => this.meta.title();
    this.unused = new UnusedList(this.age);
    alarm.assign("unused-list", (now) => this.unused.onAlarm(now));
    this.tombstones = new Tombstones(this.items, alarm, config.resumeWindowMs);
    alarm.assign("tombstones", (now) => (this.ready ? this.tombstones.onAlarm(now) : null));
    this.arrivals = new Connect({ ctx, config, limits, sessions, delivery: this.delivery, audience, headCount, out, listTitle });
    this.router = new ArrivalRouter({
      rule: readPlacementRule(env),
      ownCount: () => audience.count(),
      feed: this.relays,
      relay,
      here: (request) => this.arrivals.arrive(request),
    });
    this.intake = new Intake({ limits, out, config, usage: this.usageCounters, delivery: this.delivery });
    const { items, editKeys, meta, listId } = this;
    const record = (write: (pos: number) => LogEntry) => this.record(write);
    const { listSavesPerMinute, ceilings } = config;
    this.commands = new ItemCommands({ items, editKeys, meta, limits, listId, listSavesPerMinute, totals, ceilings, record });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
    void ctx.blockConcurrencyWhile(async () => {
      await this.alarms.load();
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
    this.editKeys.ensureSecret();
    this.delivery.readPosition();
    this.sessions.detachThoseWithoutSocket(Date.now());
    this.relays.load(Date.now());
    this.ready = true;
    this.scheduleDeletionIfUnused();
    this.tombstones.resumeAfterStart(Date.now());
  }

  /** What the deletion of a list never written to asks (unusedList.ts); the default list has no creation time, so it stays. */
  private readonly age: ListAge = {
    createdAt: () => {
      const info = this.listId === DEFAULT_LIST_ID || !this.ready ? null : this.meta.info(this.listId, 0);
      return info ? Date.parse(info.createdAt) : null;
    },
    written: () => this.delivery.lastPos > 0,
  };

  private scheduleDeletionIfUnused(): void {
    const due = deletionDue(this.age);
    if (due !== null) this.alarms.dueBy("unused-list", due);
  }

  /** Deletes this list, storage and all (see unusedList.ts); its sockets are told, and it answers "no such list" from now on. */
  private async deleteList(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      this.out.closeWithBye(ws, CloseCode.GoingAway, "this list was deleted: nothing was saved to it in 30 days");
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    await this.alarms.load();
    this.unused.due = false;
    this.ready = false;
  }

  // ---- The list -------------------------------------------------------------

  /** Creates this list; false if it exists already. */
  createList(info: ListInfo, ownerKeyHash: string): boolean {
    if (this.ready && this.meta.info(this.listId, 0) !== null) return false;
    this.setUp();
    this.meta.create(info, ownerKeyHash);
    this.scheduleDeletionIfUnused();
    return true;
  }

  /** The list, or null for one never created. Reads only, so asking about any id writes nothing. */
  listInfo(): ListInfo | null {
    if (!this.ready) return null;
    return this.meta.info(this.listId, setUpAt(this.ctx.storage));
  }

  /** Whether `key` is this list's owner key, changing nothing; null for a list never created. */
  async checkOwner(key: string): Promise<OwnerCheck | null> {
    return this.listInfo() === null ? null : this.meta.checkOwner(this.listId, key);
  }

  async renameList(title: string, ownerKey: string): Promise<Outcome<ListInfo>> {
    if (!this.ready || this.listInfo() === null) return { ok: false, error: { code: ErrorCode.NotFound, message: "no such list" } };
    const renamed = await this.meta.renameAsOwner(this.listId, title, ownerKey, setUpAt(this.ctx.storage));
    // Every open page shows the new title at once; one that is away learns it from its next welcome.
    if (renamed.ok) this.tellEveryone({ type: "renamed", title: renamed.value.title } satisfies RenamedFrame);
    return renamed;
  }

  private tellEveryone(frame: RenamedFrame): void {
    const text = JSON.stringify(frame);
    for (const [ws] of this.audience.open()) this.out.text(ws, text);
    this.relays.tellRenamed(frame.title);
  }

  // ---- Items ----------------------------------------------------------------

  /** `group` is the client's address group (src/worker/clientAddress.ts), for the list-wide ceiling; null if exempt. */
  async addItem(input: NewItem, idempotencyKey: string | null, group: string | null = null): Promise<Outcome<Saved>> {
    return this.exists() ? this.commands.save(input, idempotencyKey, group, Date.now()) : NO_SUCH_LIST;
  }

  async editItem(request: ChangeRequest, patch: ItemPatch): Promise<Outcome<Item>> {
    return this.exists() ? this.commands.edit(request, patch, Date.now()) : NO_SUCH_LIST;
  }

  async removeItem(request: ChangeRequest): Promise<Outcome<null>> {
    if (!this.exists()) return NO_SUCH_LIST;
    const now = Date.now();
    const outcome = await this.commands.remove(request, now);
    if (outcome.ok) this.tombstones.removed(now);
    return outcome;
  }

  /** Writes the next log entry and delivers it to every open socket, with no await between, so entries go out in order. */
  private record(write: (pos: number) => LogEntry): LogEntry {
    const entry = this.ctx.storage.transactionSync(() => write(this.delivery.lastPos + 1));
    const now = Date.now();
    this.delivery.deliver(entry, now);
    this.relays.delivered(entry, now);
    return entry;
  }

  /** Position of the newest log entry: what the Worker keys its cached newest page by; null for no such list. */
  newestPosition(): number | null {
    return this.exists() ? this.delivery.lastPos : null;
  }

  listItems(query: ListQuery): Outcome<Page> {
    return this.pageBelowCursor(query.before, (belowPos) => this.items.pageBelow(belowPos, query.limit));
  }

  /** {@link listItems}'s page of the items matching `q` (src/protocol/search.ts), from the search index. */
  searchItems(query: ListQuery & { q: string }): Outcome<Page> {
    return this.pageBelowCursor(query.before, (belowPos) => this.items.searchBelow(belowPos, searchMatch(query.q), query.limit));
  }

  /** A page of items older than the item `before` names (the newest when null). */
  private pageBelowCursor(before: string | null, read: (belowPos: number) => Page): Outcome<Page> {
    if (!this.exists()) return NO_SUCH_LIST;
    const belowPos = before === null ? this.delivery.lastPos + 1 : this.items.posOf(before);
    if (belowPos === null) {
      return { ok: false, error: { code: ErrorCode.InvalidCursor, message: "no item has the id given in before" } };
    }
    return { ok: true, value: read(belowPos) };
  }

  /** How many sockets are open. */
  connectionCount(): number {
    return this.audience.count();
  }

  /** The billable work done since this instance started. */
  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  /** The relays' share of the usage answer: calls to them, and each one's counts as it last reported. */
  relaysUsage(): { relayCalls: number; relays: Array<{ relay: number } & RelayCounts> } {
    return { relayCalls: this.relayUsage.relayCalls, relays: this.relays.usage() };
  }

  // ---- Relays (src/relay/) ----------------------------------------------------

  /** Where a fresh socket arriving at this list goes: "here" (this object), a relay's number, or null for no such list. */
  placeArrival(): "here" | number | null {
    return this.exists() ? this.router.place() : null;
  }

  /** Relay `index` starts: the newest page at the log's end, from where it is fed. Null for no such list. */
  seedRelay(index: number): (ReplicaSeed & { others: number; title: string }) | null {
    if (!this.exists()) return null;
    const lastPos = this.delivery.lastPos;
    this.relays.feed(index, lastPos);
    return { lastPos, page: this.items.pageBelow(lastPos + 1, PAGE_DEFAULT_LIMIT), others: this.relays.othersOf(index), title: this.meta.title() };
  }

  /** Relay `index` lacks what follows `pos` (a gap, or it woke behind). */
  entriesAfter(index: number, pos: number): CatchUp {
    if (!this.exists()) return { ok: false };
    const entries = this.relays.entriesAfter(index, pos);
    return { ok: true, entries, lastPos: this.delivery.lastPos, others: this.relays.othersOf(index), title: this.meta.title() };
  }

  /** Relay `index` says how many viewers it has; it hears the rest of the audience. */
  relayReport(index: number, counts: RelayCounts): RelayReportAnswer {
    return this.relays.report(index, counts, Date.now());
  }

  // ---- The platform's hooks -------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    if (!this.exists()) return Response.json(errorBody(NO_SUCH_LIST.error.code, NO_SUCH_LIST.error.message), { status: 404 });
    return this.router.route(request);
  }

  // A socket of a list just deleted (unusedList.ts) may still speak or close; there is nothing left to keep.
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (this.ready) this.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ready) this.arrivals.leave(ws, Date.now());
    this.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    if (this.ready) this.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.alarms.fire(Date.now());
    if (this.unused.due) await this.deleteList();
  }
}
