/**
 * One list: its items, its WebSocket audience and the delivery protocol
 * (docs/PROTOCOL.md). Commands arrive as RPC (`addItem`, `editItem`,
 * `removeItem`, `listItems`); `fetch`
 * is only the WebSocket upgrade. Sockets use the hibernation API, so
 * everything a socket needs after the object sleeps is in its attachment or
 * in SQL, and one alarm drives every resend.
 */
import { DurableObject } from "cloudflare:workers";
import { errorBody, ErrorCode } from "../protocol/errors";
import { PING_TEXT, PONG_TEXT, parseClientFrame, type PresenceFrame, type WelcomeFrame } from "../protocol/frames";
import type { Item, ItemPatch, NewItem } from "../protocol/item";
import { DEFAULT_LIST_ID, type ListInfo } from "../protocol/lists";
import {
  ATTEMPT_PARAM,
  CLIENT_FRAME_MAX_BYTES,
  CloseCode,
  FIRST_SEQ,
  LAST_SEQ_PARAM,
  PROTOCOL_VERSION,
  RESUME_TOKEN_PARAM,
} from "../protocol/limits";
import { AbuseLimits, addressTag, CLIENT_GROUP_HEADER } from "./abuseLimits";
import { ClientStore } from "./clientStore";
import { readConfig, type RoomConfig, type RoomVars } from "./config";
import { ConnectionStates, seqOfPos, type ConnectionState } from "./connection";
import { DerivedFrames } from "./derivedFrames";
import { EditKeys } from "./editKeys";
import { ItemCommands, type ChangeRequest, type RoomError, type Saved } from "./itemCommands";
import { ItemStore, type LogEntry, type Page } from "./itemStore";
import { ListMeta, type OwnerCheck } from "./listMeta";
import { hasSchema, runMigrations, setUpAt } from "./migrations";
import { Presence } from "./presence";
import { Outbound } from "./outbound";
import { planRound } from "./resendSchedule";
import { Sessions } from "./sessions";
import { taggedSql } from "./sql";
import { hashToken, isWellFormedToken, newToken } from "./tokens";
import { emptyUsage, type RoomUsage } from "./usage";

export type { ChangeRequest, RoomError };

export type AddItemResult = ({ ok: true } & Saved) | { ok: false; error: RoomError };
export type EditItemResult = { ok: true; item: Item } | { ok: false; error: RoomError };
export type RemoveItemResult = { ok: true } | { ok: false; error: RoomError };

export type RenameResult = { ok: true; list: ListInfo } | { ok: false; error: RoomError };

export type ListItemsResult = ({ ok: true } & Page) | { ok: false; error: RoomError };

export interface ListQuery {
  /** Id of the oldest item already seen; the page holds items older than it. */
  before: string | null;
  limit: number;
}

const NO_SUCH_LIST = { ok: false, error: { code: ErrorCode.NotFound, message: "there is no such list" } } as const;

/** Close codes a peer may send but an endpoint must never send back (RFC 6455 §7.4.1). */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

export class ListRoom extends DurableObject<RoomVars> {
  private readonly config: RoomConfig;
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly items: ItemStore;
  private readonly connections = new ConnectionStates();
  private readonly sessions: Sessions;
  private readonly out: Outbound;
  private readonly frames: DerivedFrames;
  private readonly limits: AbuseLimits;
  /** Position of the newest item; mirrors MAX(pos) so the hot path need not ask SQL. */
  private lastPos = 0;
  /** The alarm as last set, so a save sets it only when it must move earlier. */
  private alarmAt: number | null = null;
  private readonly meta: ListMeta;
  private readonly presence: Presence;
  private readonly editKeys: EditKeys;
  private readonly commands: ItemCommands;
  /** Whether storage is set up; a named list's is set up when it is created, so asking about others writes nothing. */
  private ready = false;

  constructor(ctx: DurableObjectState, env: RoomVars) {
    super(ctx, env);
    this.config = readConfig(env);
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    this.items = new ItemStore(sql);
    this.out = new Outbound(this.usageCounters);
    this.sessions = new Sessions(new ClientStore(sql), ctx, this.connections, this.out, this.config.resumeWindowMs);
    this.frames = new DerivedFrames(this.items, this.out, this.config.sendWindow);
    this.limits = new AbuseLimits(this.config, Date.now());
    this.meta = new ListMeta(sql, env.OWNER_KEY);
    this.presence = new Presence(this.config.presenceIntervalMs);
    this.editKeys = new EditKeys(sql);
    this.commands = new ItemCommands({
      items: this.items,
      editKeys: this.editKeys,
      meta: this.meta,
      limits: this.limits,
      listId: this.listId,
      listSavesPerMinute: this.config.listSavesPerMinute,
      record: (write) => this.record(write),
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
    void ctx.blockConcurrencyWhile(async () => {
      if (this.listId === DEFAULT_LIST_ID || hasSchema(ctx.storage)) this.setUp();
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  private get listId(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  /**
   * Whether this list exists: the default list always (its storage is set up
   * on first use), a named list once created. Every command asks first, so a
   * list never created answers "no such list" and writes nothing, without
   * the Worker having to ask separately.
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
    this.lastPos = this.items.lastPos();
    this.sessions.detachThoseWithoutSocket(Date.now());
    this.ready = true;
  }

  // ---- The list -------------------------------------------------------------

  /** Creates this list; false if it exists already. */
  createList(info: ListInfo, ownerKeyHash: string): boolean {
    if (this.ready && this.meta.info(this.listId, 0) !== null) return false;
    this.setUp();
    this.meta.create(info, ownerKeyHash);
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

  async renameList(title: string, ownerKey: string): Promise<RenameResult> {
    if (!this.ready || this.listInfo() === null) {
      return { ok: false, error: { code: ErrorCode.NotFound, message: "no such list" } };
    }
    const check = await this.meta.checkOwner(this.listId, ownerKey);
    if (check !== "owner") {
      const message = check === "no-owner" ? "this list has no owner" : "that is not this list's owner key";
      return { ok: false, error: { code: ErrorCode.Forbidden, message } };
    }
    return { ok: true, list: this.meta.rename(this.listId, title, setUpAt(this.ctx.storage)) };
  }

  // ---- RPC ----------------------------------------------------------------

  /** `group` is the client's address group (src/worker/clientAddress.ts), for the list-wide ceiling; null if exempt. */
  async addItem(input: NewItem, idempotencyKey: string | null, group: string | null = null): Promise<AddItemResult> {
    if (!this.exists()) return NO_SUCH_LIST;
    const outcome = await this.commands.save(input, idempotencyKey, group, Date.now());
    return outcome.ok ? { ok: true, ...outcome.value } : outcome;
  }

  async editItem(request: ChangeRequest, patch: ItemPatch): Promise<EditItemResult> {
    if (!this.exists()) return NO_SUCH_LIST;
    const outcome = await this.commands.edit(request, patch, Date.now());
    return outcome.ok ? { ok: true, item: outcome.value } : outcome;
  }

  async removeItem(request: ChangeRequest): Promise<RemoveItemResult> {
    if (!this.exists()) return NO_SUCH_LIST;
    const outcome = await this.commands.remove(request, Date.now());
    return outcome.ok ? { ok: true } : outcome;
  }

  /** Writes the next log entry and sends it to every open socket, with no await between, so entries go out in order. */
  private record(write: (pos: number) => LogEntry): LogEntry {
    const entry = this.ctx.storage.transactionSync(() => write(this.lastPos + 1));
    this.lastPos = entry.pos;
    if (this.frames.broadcast(this.openConnections(), entry) > 0) {
      this.scheduleAlarmBy(Date.now() + this.config.resendIntervalMs);
    }
    return entry;
  }

  /** Position of the newest log entry: what the Worker keys its cached newest page by; null for no such list. */
  newestPosition(): number | null {
    return this.exists() ? this.lastPos : null;
  }

  listItems(query: ListQuery): ListItemsResult {
    if (!this.exists()) return NO_SUCH_LIST;
    let belowPos = this.lastPos + 1;
    if (query.before !== null) {
      const pos = this.items.posOf(query.before);
      if (pos === null) {
        return { ok: false, error: { code: ErrorCode.InvalidCursor, message: "no item has the id given in before" } };
      }
      belowPos = pos;
    }
    return { ok: true, ...this.items.pageBelow(belowPos, query.limit) };
  }

  /** How many sockets are open. */
  connectionCount(): number {
    return [...this.openConnections()].length;
  }

  /** The billable work done since this instance started. */
  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  // ---- WebSocket lifecycle ------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    if (!this.exists()) return Response.json(errorBody(NO_SUCH_LIST.error.code, NO_SUCH_LIST.error.message), { status: 404 });
    const url = new URL(request.url);
    const token = url.searchParams.get(RESUME_TOKEN_PARAM);
    const last = Number(url.searchParams.get(LAST_SEQ_PARAM) ?? FIRST_SEQ - 1);
    const attemptParam = url.searchParams.get(ATTEMPT_PARAM);
    const resumeHash = token !== null && isWellFormedToken(token) ? await hashToken(token) : null;
    // Every welcome carries a new token: a token seen in a URL (and so perhaps in a log) soon stops working.
    const freshToken = newToken();
    const freshHash = await hashToken(freshToken);

    // No awaits from here on: the log position read below is the one this
    // connection's seq numbers are derived from, so no save may slip in.
    const now = Date.now();
    const group = request.headers.get(CLIENT_GROUP_HEADER);
    if (!this.limits.mayConnect(group, group === null ? 0 : this.ctx.getWebSockets(addressTag(group)).length)) {
      const message = `too many connections from your address; the limit is ${this.config.connectionsPerAddress}`;
      return Response.json(errorBody(ErrorCode.TooManyConnections, message), { status: 429 });
    }
    const resumption =
      resumeHash === null
        ? ({ kind: "fresh" } as const)
        : this.sessions.resume(
            { tokenHash: resumeHash, last, attempt: attemptParam === null ? null : Number(attemptParam) },
            freshHash,
            now,
            this.lastPos,
          );
    const { 0: client, 1: server } = new WebSocketPair();
    if (resumption.kind === "stale") {
      // A late, older attempt: it gets its goodbye, the connection holding the session is left alone.
      this.ctx.acceptWebSocket(server);
      this.out.closeWithBye(server, CloseCode.Superseded, "a newer connection attempt holds this session");
      return new Response(null, { status: 101, webSocket: client });
    }
    const resumed = resumption.kind === "resumed";
    const record = resumed ? resumption.record : this.sessions.register(freshHash, now, this.lastPos);
    this.ctx.acceptWebSocket(server, group === null ? [record.clientId] : [record.clientId, addressTag(group)]);
    const state: ConnectionState = {
      v: 2,
      clientId: record.clientId,
      connectionId: record.connectionId,
      basePos: record.basePos,
      connectedAt: now,
      acked: resumed ? record.acked : FIRST_SEQ - 1,
      ackedAt: now,
      resendRounds: [],
    };
    this.connections.set(server, state);
    this.out.frame(server, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      clientId: record.clientId,
      resumeToken: freshToken,
      resumed,
      seq: state.acked + 1,
      resendIntervalMs: this.config.resendIntervalMs,
      window: this.config.sendWindow,
    } satisfies WelcomeFrame);
    if (this.frames.open(server, state, this.lastPos) > 0) this.scheduleAlarmBy(now + this.config.resendIntervalMs);
    // A newcomer hears the head count at once, from the broadcast or on its own.
    if (!this.audienceChanged(now)) {
      this.out.frame(server, { type: "presence", count: this.connectionCount() } satisfies PresenceFrame);
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.usageCounters.framesIn++;
    switch (this.limits.admitFrame(ws, Date.now())) {
      case "accept":
        break;
      case "refuse":
        return;
      case "refuse-and-notify":
        this.out.error(ws, ErrorCode.RateLimited, `slow down: at most ${this.config.framesPerSecond} frames a second`);
        return;
      case "disconnect":
        this.out.closeWithBye(ws, CloseCode.PolicyViolation, "too many frames");
        return;
    }
    if (isOverFrameLimit(message)) {
      this.out.closeWithBye(ws, CloseCode.MessageTooBig, `frames are limited to ${CLIENT_FRAME_MAX_BYTES} bytes`);
      return;
    }
    if (typeof message !== "string") {
      this.out.error(ws, ErrorCode.BinaryFrame, "frames must be JSON text, not binary");
      return;
    }
    const parsed = parseClientFrame(message);
    if (!parsed.ok) {
      this.out.error(ws, parsed.code, parsed.message);
      return;
    }
    if (parsed.frame.type === "ping") {
      // The auto-response answers the exact ping text without waking us;
      // other spellings of the same frame land here.
      this.out.text(ws, PONG_TEXT);
      return;
    }
    this.acknowledge(ws, parsed.frame.seq);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.sessions.detach(ws, Date.now());
    this.audienceChanged(Date.now());
    // Complete the closing handshake the peer started.
    try {
      if (!RESERVED_CLOSE_CODES.has(code)) ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.sessions.detach(ws, Date.now());
    this.audienceChanged(Date.now());
  }

  // ---- Presence -----------------------------------------------------------

  /** Returns whether everyone was told the count just now. */
  private audienceChanged(now: number): boolean {
    const plan = this.presence.changed(now);
    if (plan.kind === "later") this.scheduleAlarmBy(plan.at);
    return plan.kind === "send" && this.broadcastPresence(now);
  }

  private broadcastPresence(now: number): boolean {
    const sockets = [...this.openConnections()];
    const count = this.presence.take(sockets.length, now);
    if (count === null) return false;
    const text = JSON.stringify({ type: "presence", count } satisfies PresenceFrame);
    for (const [ws] of sockets) this.out.text(ws, text);
    return true;
  }

  // ---- Resend -------------------------------------------------------------

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.usageCounters.alarmRuns++;
    this.alarmAt = null;
    let next = Number.POSITIVE_INFINITY;
    for (const [ws, state] of this.openConnections()) {
      const oldest = this.frames.oldestPending(state, this.lastPos);
      if (oldest === null) continue;
      const sentThrough = this.frames.sentThrough(ws, state, this.lastPos);
      const plan = planRound(oldest, state.resendRounds, now, sentThrough, this.config);
      switch (plan.kind) {
        case "wait":
          next = Math.min(next, plan.dueAt);
          break;
        case "drop":
          this.sessions.forget(state.clientId);
          this.out.closeWithBye(ws, CloseCode.AckTimeout, "frames went unacknowledged; reconnect for a fresh snapshot");
          break;
        case "resend":
          this.frames.resendInFlight(ws, state, this.lastPos);
          this.connections.set(ws, { ...state, resendRounds: plan.rounds });
          next = Math.min(next, plan.nextRoundAt);
          break;
      }
    }
    if (this.presence.isDue(now)) this.broadcastPresence(now);
    next = Math.min(next, this.presence.dueAt ?? next);
    if (Number.isFinite(next)) this.scheduleAlarmBy(next);
  }

  private scheduleAlarmBy(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    this.usageCounters.setAlarmCalls++;
    void this.ctx.storage.setAlarm(at);
  }

  // ---- Helpers ------------------------------------------------------------

  private acknowledge(ws: WebSocket, seq: number): void {
    const state = this.connections.get(ws);
    if (!state) return;
    const lastSeq = seqOfPos(state, this.lastPos);
    if (seq > lastSeq) {
      this.out.error(ws, ErrorCode.AckOutOfRange, `seq ${seq} was never sent on this connection (last is ${lastSeq})`);
      return;
    }
    if (seq <= state.acked) return;
    const now = Date.now();
    const acked = { ...state, acked: seq, ackedAt: now };
    this.connections.set(ws, acked);
    if (this.frames.acknowledge(ws, acked, seq, this.lastPos) > 0) {
      this.scheduleAlarmBy(now + this.config.resendIntervalMs);
    }
  }

  /** Open sockets with their state; closing ones (after a drop or takeover) are left out. */
  private *openConnections(): Generator<[WebSocket, ConnectionState]> {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const state = this.connections.get(ws);
      if (state) yield [ws, state];
    }
  }
}

function isOverFrameLimit(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > CLIENT_FRAME_MAX_BYTES;
  // A UTF-16 unit takes one to three bytes in UTF-8, so most frames are
  // decided without encoding them.
  if (message.length > CLIENT_FRAME_MAX_BYTES) return true;
  if (message.length * 3 <= CLIENT_FRAME_MAX_BYTES) return false;
  return new TextEncoder().encode(message).byteLength > CLIENT_FRAME_MAX_BYTES;
}
