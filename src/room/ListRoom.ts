/**
 * The one list: its items, its WebSocket audience and the delivery protocol
 * (docs/PROTOCOL.md). Commands arrive as RPC (`addItem`, `listItems`); `fetch`
 * is only the WebSocket upgrade. Sockets use the hibernation API, so
 * everything a socket needs after the object sleeps is in its attachment or
 * in SQL, and one alarm drives every resend.
 */
import { DurableObject } from "cloudflare:workers";
import { errorBody, ErrorCode } from "../protocol/errors";
import {
  encodeItemFrame,
  PING_TEXT,
  PONG_TEXT,
  parseClientFrame,
  type ErrorFrame,
  type ItemFrame,
  type ServerFrame,
  type SnapshotFrame,
  type WelcomeFrame,
} from "../protocol/frames";
import type { Item, NewItem } from "../protocol/item";
import {
  CLIENT_ADDRESS_HEADER,
  CLIENT_FRAME_MAX_BYTES,
  CloseCode,
  FIRST_SEQ,
  LAST_SEQ_PARAM,
  PAGE_DEFAULT_LIMIT,
  PROTOCOL_VERSION,
  RESUME_TOKEN_PARAM,
} from "../protocol/limits";
import { AbuseLimits, addressTag } from "./abuseLimits";
import { ClientStore, type ClientRecord } from "./clientStore";
import { readConfig, type RoomConfig, type RoomVars } from "./config";
import { ConnectionStates, messageIdOf, posOfSeq, seqOfPos, type ConnectionState } from "./connection";
import { ItemStore, type LoggedItem, type Page } from "./itemStore";
import { runMigrations } from "./migrations";
import { frameVerdict, nextDueAt } from "./resendSchedule";
import { taggedSql } from "./sql";
import { emptyUsage, type RoomUsage } from "./usage";
import { hashToken, isWellFormedToken, newResumeToken } from "./tokens";

export type RoomError = { code: ErrorCode; message: string; retryAfterMs?: number };

export type AddItemResult =
  | { ok: true; item: Item; replayed: boolean }
  | { ok: false; error: RoomError };

export type ListItemsResult = ({ ok: true } & Page) | { ok: false; error: RoomError };

export interface ListQuery {
  /** Id of the oldest item already seen; the page holds items older than it. */
  before: string | null;
  limit: number;
}

/** Close codes a peer may send but an endpoint must never send back (RFC 6455 §7.4.1). */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

interface PendingFrame {
  seq: number;
  firstSentAt: number;
}

export class ListRoom extends DurableObject<RoomVars> {
  private readonly config: RoomConfig;
  private readonly items: ItemStore;
  private readonly clients: ClientStore;
  private readonly connections = new ConnectionStates();
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly limits: AbuseLimits;
  /** Position of the newest item; mirrors MAX(pos) so the hot path need not ask SQL. */
  private lastPos = 0;
  /** The alarm as last set, so a save sets it only when it must move earlier. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: RoomVars) {
    super(ctx, env);
    this.config = readConfig(env);
    this.limits = new AbuseLimits(this.config);
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    this.items = new ItemStore(sql);
    this.clients = new ClientStore(sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
    void ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage);
      this.lastPos = this.items.lastPos();
      this.detachClientsWithoutSocket(Date.now());
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  // ---- RPC ----------------------------------------------------------------

  /** `address` is the client's (CF-Connecting-IP), for the per-address save limit; null if unknown. */
  addItem(input: NewItem, idempotencyKey: string | null, address: string | null = null): AddItemResult {
    const now = Date.now();
    const waitMs = this.limits.saveDelay(address, now);
    if (waitMs > 0) {
      const message = `too many saves from your address; the limit is ${this.config.savesPerMinute} a minute`;
      return { ok: false, error: { code: ErrorCode.RateLimited, message, retryAfterMs: waitMs } };
    }
    const outcome = this.ctx.storage.transactionSync(() => {
      const earlier = idempotencyKey === null ? null : this.items.findByIdempotencyKey(idempotencyKey);
      if (earlier) return { earlier };
      return { added: this.items.append(input, idempotencyKey, now) };
    });
    if (outcome.earlier) {
      const { title, body } = outcome.earlier.item;
      if (title !== input.title || body !== input.body) {
        return {
          ok: false,
          error: {
            code: ErrorCode.IdempotencyKeyReused,
            message: "this Idempotency-Key was already used for a different item",
          },
        };
      }
      return { ok: true, item: outcome.earlier.item, replayed: true };
    }
    const added = outcome.added!;
    this.lastPos = added.pos;
    this.broadcast(added, now);
    return { ok: true, item: added.item, replayed: false };
  }

  listItems(query: ListQuery): ListItemsResult {
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
    return this.openSockets().length;
  }

  /** The billable work done since this instance started. */
  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  // ---- WebSocket lifecycle ------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const token = url.searchParams.get(RESUME_TOKEN_PARAM);
    const last = Number(url.searchParams.get(LAST_SEQ_PARAM) ?? FIRST_SEQ - 1);
    const resumeHash = token !== null && isWellFormedToken(token) ? await hashToken(token) : null;
    const freshToken = newResumeToken();
    const freshHash = await hashToken(freshToken);

    // No awaits from here on: the log position read below is the one this
    // connection's seq numbers are derived from, so no save may slip in.
    const now = Date.now();
    const address = request.headers.get(CLIENT_ADDRESS_HEADER);
    if (!this.limits.mayConnect(address, address === null ? 0 : this.ctx.getWebSockets(addressTag(address)).length)) {
      const message = `too many connections from your address; the limit is ${this.config.connectionsPerAddress}`;
      return Response.json(errorBody(ErrorCode.TooManyConnections, message), { status: 429 });
    }
    const resumed = resumeHash === null ? null : this.takeOverClient(resumeHash, last, now);
    const record = resumed ?? this.registerClient(freshHash, now);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, address === null ? [record.clientId] : [record.clientId, addressTag(address)]);
    const state: ConnectionState = {
      v: 1,
      clientId: record.clientId,
      connectionId: record.connectionId,
      basePos: record.basePos,
      connectedAt: now,
      acked: resumed ? last : FIRST_SEQ - 1,
      previousRoundAt: now,
    };
    this.connections.set(server, state);
    this.send(server, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      clientId: record.clientId,
      resumeToken: resumed ? token! : freshToken,
      resumed: resumed !== null,
      seq: state.acked + 1,
    } satisfies WelcomeFrame);
    const lastSeq = seqOfPos(state, this.lastPos);
    this.sendFrames(server, state, state.acked + 1, lastSeq);
    if (lastSeq > state.acked) this.scheduleAlarmBy(now + this.config.resendIntervalMs);
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
        this.sendError(ws, ErrorCode.RateLimited, `slow down: at most ${this.config.framesPerSecond} frames a second`);
        return;
      case "disconnect":
        ws.close(CloseCode.PolicyViolation, "too many frames");
        return;
    }
    if (isOverFrameLimit(message)) {
      ws.close(CloseCode.MessageTooBig, `frames are limited to ${CLIENT_FRAME_MAX_BYTES} bytes`);
      return;
    }
    if (typeof message !== "string") {
      this.sendError(ws, ErrorCode.BinaryFrame, "frames must be JSON text, not binary");
      return;
    }
    const parsed = parseClientFrame(message);
    if (!parsed.ok) {
      this.sendError(ws, parsed.code, parsed.message);
      return;
    }
    if (parsed.frame.type === "ping") {
      // The auto-response answers the exact ping text without waking us;
      // other spellings of the same frame land here.
      this.sendText(ws, PONG_TEXT);
      return;
    }
    this.acknowledge(ws, parsed.frame.seq);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.detachSocket(ws);
    // Complete the closing handshake the peer started.
    try {
      if (!RESERVED_CLOSE_CODES.has(code)) ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.detachSocket(ws);
  }

  // ---- Resend -------------------------------------------------------------

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.usageCounters.alarmRuns++;
    this.alarmAt = null;
    let next = Number.POSITIVE_INFINITY;
    for (const ws of this.openSockets()) {
      const state = this.connections.get(ws);
      if (!state) continue;
      next = Math.min(next, this.resendRound(ws, state, now));
    }
    if (Number.isFinite(next)) this.scheduleAlarmBy(next);
  }

  /** Resends what is due on one socket, or drops it; returns when it next needs a round. */
  private resendRound(ws: WebSocket, state: ConnectionState, now: number): number {
    const pending = this.pendingFrames(state);
    if (pending.length === 0) return Number.POSITIVE_INFINITY;
    const timing = this.config;
    if (pending.some((frame) => frameVerdict(frame.firstSentAt, state.previousRoundAt, now, timing) === "expired")) {
      this.dropClient(ws, state);
      return Number.POSITIVE_INFINITY;
    }
    for (const frame of pending) {
      if (frameVerdict(frame.firstSentAt, state.previousRoundAt, now, timing) === "resend") {
        this.sendFrames(ws, state, frame.seq, frame.seq);
      }
    }
    this.connections.set(ws, { ...state, previousRoundAt: now });
    return Math.min(...pending.map((frame) => nextDueAt(frame.firstSentAt, now, timing)));
  }

  /** The unacknowledged frames on a socket with when each first went out on it. */
  private pendingFrames(state: ConnectionState): PendingFrame[] {
    const lastSeq = seqOfPos(state, this.lastPos);
    if (state.acked >= lastSeq) return [];
    const pending: PendingFrame[] = [];
    if (state.acked < FIRST_SEQ) pending.push({ seq: FIRST_SEQ, firstSentAt: state.connectedAt });
    const fromPos = posOfSeq(state, Math.max(state.acked + 1, FIRST_SEQ + 1));
    for (const { pos, savedAt } of this.items.saveTimes(fromPos, this.lastPos)) {
      pending.push({ seq: seqOfPos(state, pos), firstSentAt: Math.max(state.connectedAt, savedAt) });
    }
    return pending;
  }

  private dropClient(ws: WebSocket, state: ConnectionState): void {
    this.clients.forget(state.clientId);
    ws.close(CloseCode.AckTimeout, "frames went unacknowledged; reconnect for a fresh snapshot");
  }

  private scheduleAlarmBy(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    this.usageCounters.setAlarmCalls++;
    void this.ctx.storage.setAlarm(at);
  }

  // ---- Helpers ------------------------------------------------------------

  private broadcast(added: LoggedItem, now: number): void {
    let sentAny = false;
    // The item is the bulk of every frame; encode it once, not once per socket.
    const itemJson = JSON.stringify(added.item);
    for (const ws of this.openSockets()) {
      const state = this.connections.get(ws);
      if (!state) continue;
      const seq = seqOfPos(state, added.pos);
      this.sendText(ws, encodeItemFrame(seq, messageIdOf(state.clientId, seq), itemJson));
      sentAny = true;
    }
    if (sentAny) this.scheduleAlarmBy(now + this.config.resendIntervalMs);
  }

  /** Sends the sequenced frames `fromSeq..toSeq` (inclusive) as derived from the log. */
  private sendFrames(ws: WebSocket, state: ConnectionState, fromSeq: number, toSeq: number): void {
    if (fromSeq > toSeq) return;
    if (fromSeq <= FIRST_SEQ) this.send(ws, this.snapshotFrame(state));
    const firstItemSeq = Math.max(fromSeq, FIRST_SEQ + 1);
    for (const { pos, item } of this.items.range(posOfSeq(state, firstItemSeq), posOfSeq(state, toSeq))) {
      const seq = seqOfPos(state, pos);
      this.send(ws, { type: "item", seq, messageId: messageIdOf(state.clientId, seq), item } satisfies ItemFrame);
    }
  }

  private snapshotFrame(state: ConnectionState): SnapshotFrame {
    const page = this.items.pageBelow(state.basePos + 1, PAGE_DEFAULT_LIMIT);
    return {
      type: "snapshot",
      seq: FIRST_SEQ,
      messageId: messageIdOf(state.clientId, FIRST_SEQ),
      items: page.items,
      hasOlder: page.hasOlder,
    };
  }

  private acknowledge(ws: WebSocket, seq: number): void {
    const state = this.connections.get(ws);
    if (!state) return;
    const lastSeq = seqOfPos(state, this.lastPos);
    if (seq > lastSeq) {
      this.sendError(ws, ErrorCode.AckOutOfRange, `seq ${seq} was never sent on this connection (last is ${lastSeq})`);
      return;
    }
    if (seq > state.acked) this.connections.set(ws, { ...state, acked: seq });
  }

  /**
   * Resumes the client holding this token, if it may: the token is known, its
   * window has not run out and `last` names a frame that exists. A socket the
   * client still has open is closed, since a client has one connection.
   */
  private takeOverClient(tokenHash: string, last: number, now: number): ClientRecord | null {
    const record = this.clients.findByTokenHash(tokenHash);
    if (!record) return null;
    if (record.disconnectedAt !== null && now - record.disconnectedAt > this.config.resumeWindowMs) {
      this.clients.forget(record.clientId);
      return null;
    }
    if (last > seqOfPos(record, this.lastPos)) return null;
    for (const old of this.ctx.getWebSockets(record.clientId)) {
      old.close(CloseCode.Superseded, "this client resumed on a newer connection");
    }
    const connectionId = crypto.randomUUID();
    this.clients.attach(record.clientId, connectionId);
    return { ...record, connectionId, disconnectedAt: null };
  }

  private registerClient(tokenHash: string, now: number): ClientRecord {
    this.clients.forgetDisconnectedBefore(now - this.config.resumeWindowMs);
    const record = { clientId: crypto.randomUUID(), basePos: this.lastPos, connectionId: crypto.randomUUID() };
    this.clients.create(record, tokenHash, now);
    return { ...record, disconnectedAt: null };
  }

  private detachSocket(ws: WebSocket): void {
    const state = this.connections.get(ws);
    if (state) this.clients.detach(state.clientId, state.connectionId, Date.now());
  }

  /**
   * After a restart, sockets are gone without `webSocketClose` having run;
   * their clients count as disconnected from now, so their resume window
   * starts when we learn of it.
   */
  private detachClientsWithoutSocket(now: number): void {
    const live = new Set(
      this.ctx.getWebSockets().flatMap((ws) => {
        const state = this.connections.get(ws);
        return state ? [state.connectionId] : [];
      }),
    );
    for (const record of this.clients.attached()) {
      if (!live.has(record.connectionId)) this.clients.detach(record.clientId, record.connectionId, now);
    }
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    this.sendText(ws, JSON.stringify(frame));
  }

  private sendError(ws: WebSocket, code: ErrorCode, message: string): void {
    this.send(ws, { type: "error", code, message } satisfies ErrorFrame);
  }

  private sendText(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
      this.usageCounters.framesOut++;
    } catch {
      // The socket closed under us; its close handler does the bookkeeping.
    }
  }

  private openSockets(): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
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
