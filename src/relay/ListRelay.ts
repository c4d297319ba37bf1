/**
 * A relay: a slice of one list's viewers, served by the same delivery code
 * as the list's own object (src/room/delivery, connect.ts, intake.ts) over a
 * replica of the list's log (replica.ts) instead of the log itself. Viewers
 * speak exactly the protocol of docs/PROTOCOL.md; the list's object feeds the
 * replica by RPC (`apply`) and stays the only writer.
 *
 * The relay is `{listId}/relay/{n}` (src/shared/relays.ts). It is seeded by
 * the list when its first viewer arrives, applies entries in order, ignores
 * what it has, and asks the list for what it lacks when it sees a gap, or
 * when it has viewers and is not sure it is current (after waking, or after
 * the list stopped feeding it).
 */
import { DurableObject } from "cloudflare:workers";
import { errorBody, ErrorCode } from "../protocol/errors";
import { PING_TEXT, PONG_TEXT, type RenamedFrame } from "../protocol/frames";
import { AbuseLimits } from "../room/abuseLimits";
import { Alarm } from "../room/alarm";
import { Audience } from "../room/audience";
import { ClientStore } from "../room/clientStore";
import { readConfig, type RoomVars } from "../room/config";
import { Connect } from "../room/connect";
import { ConnectionStates } from "../room/connection";
import { Delivery } from "../room/delivery/delivery";
import type { LogEntry } from "../room/delivery/log";
import { Intake } from "../room/intake";
import type { ListRoom } from "../room/ListRoom";
import { hasSchema, runMigrations } from "../room/migrations";
import { Outbound } from "../room/outbound";
import { HeadCount } from "../room/presence";
import { Sessions } from "../room/sessions";
import { taggedSql } from "../room/sql";
import { emptyUsage, type RoomUsage } from "../room/usage";
import { newRelayToken, parseRelayName, relayOfToken } from "../shared/relays";
import { RELAY_MIGRATIONS } from "./relayMigrations";
import { Replica } from "./replica";
import type { RelayReply } from "./relayTypes";

/** The replica forgets what no session can still need once every this many entries. */
const PRUNE_EVERY_ENTRIES = 256;

export type RelayEnv = RoomVars & { LIST_ROOM: DurableObjectNamespace<ListRoom> };

export class ListRelay extends DurableObject<RelayEnv> {
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly address = parseRelayName(this.ctx.id.name ?? "");
  private readonly replica: Replica;
  private readonly delivery: Delivery;
  private readonly audience: Audience;
  private readonly out: Outbound;
  private readonly sessions: Sessions;
  private readonly alarms: Alarm;
  private readonly headCount: HeadCount;
  private readonly arrivals: Connect;
  private readonly intake: Intake;
  /** The rest of the list's audience, as the list last said. */
  private others = 0;
  /** The list's title, for the welcome: from the list's seed or catch-up, and its renames. */
  private title = "";
  /** Whether the list is known to feed this replica as it is; false after a wake until it has caught up once. */
  private current = false;
  /** A catch-up under way, shared by whoever needs the replica current meanwhile. */
  private catchingUp: Promise<boolean> | null = null;
  private ready = false;

  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    const config = readConfig(env);
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    const out = new Outbound(this.usageCounters, (ws) => this.audience.closing(ws));
    this.out = out;
    const states = new ConnectionStates();
    const limits = new AbuseLimits(config, Date.now());
    this.replica = new Replica(sql);
    this.sessions = new Sessions(new ClientStore(sql), ctx, states, out, config.resumeWindowMs, config.resumeTokenGraceMs);
    this.audience = new Audience(ctx, states);
    this.alarms = new Alarm(ctx.storage, this.usageCounters);
    const { replica: log, sessions, audience, alarms: alarm } = this;
    this.delivery = new Delivery({ log, out, states, config, audience, alarm, sessions });
    this.headCount = new HeadCount(config.presenceIntervalMs, audience, out, alarm, {
      total: (open) => open + this.others,
      told: () => this.report(),
    });
    alarm.assign("resend", (now) => this.delivery.resendRound(now));
    alarm.assign("presence", (now) => this.headCount.onAlarm(now));
    const relay = this.address?.relay ?? 0;
    const tokens = {
      issue: () => newRelayToken(relay),
      accepts: (token: string) => relayOfToken(token) === relay,
    };
    const { headCount } = this;
    this.arrivals = new Connect({ ctx, config, limits, sessions, delivery: this.delivery, audience, headCount, out, tokens, listTitle: () => this.title });
    this.intake = new Intake({ limits, out, config, usage: this.usageCounters, delivery: this.delivery });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
    void ctx.blockConcurrencyWhile(async () => {
      if (hasSchema(ctx.storage)) this.setUp();
      await this.alarms.load();
    });
  }

  private setUp(): void {
    if (this.ready) return;
    runMigrations(this.ctx.storage, RELAY_MIGRATIONS);
    this.delivery.readPosition();
    this.sessions.detachThoseWithoutSocket(Date.now());
    this.ready = true;
  }

  private list() {
    return this.env.LIST_ROOM.getByName(this.address!.listId);
  }

  // ---- Fed by the list's object ---------------------------------------------

  /** New log entries, oldest first: applied in order, each delivered to the viewers here. */
  async apply(entries: LogEntry[]): Promise<RelayReply> {
    if (this.ready && this.replica.seeded()) {
      for (const entry of entries) {
        if (entry.pos <= this.replica.lastPos()) continue;
        if (entry.pos > this.replica.lastPos() + 1 && !(await this.catchUp())) break;
        this.applyOne(entry);
      }
    }
    return this.reply();
  }

  /** The rest of the list's audience changed: the viewers here hear the new total. */
  hearOthers(others: number): void {
    if (others === this.others) return;
    this.others = others;
    this.headCount.changed(Date.now());
  }

  /** The list was renamed: the viewers here hear it at once, as the list's own do. */
  hearRenamed(title: string): void {
    this.title = title;
    const text = JSON.stringify({ type: "renamed", title } satisfies RenamedFrame);
    for (const [ws] of this.audience.open()) this.out.text(ws, text);
  }

  /** How many sockets are open here. */
  connectionCount(): number {
    return this.audience.count();
  }

  usage(): RoomUsage {
    return { ...this.usageCounters };
  }

  /** How far the replica reaches. */
  position(): number {
    return this.ready ? this.replica.lastPos() : 0;
  }

  // ---- The platform's hooks -------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    if (this.address === null || !(await this.makeCurrent())) {
      return Response.json(errorBody(ErrorCode.NotFound, "there is no such list"), { status: 404 });
    }
    return this.arrivals.arrive(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.arrivals.leave(ws, Date.now());
    this.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    this.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.alarms.fire(Date.now());
  }

  // ---- Keeping the replica current ------------------------------------------

  private applyOne(entry: LogEntry): void {
    const applied = this.ctx.storage.transactionSync(() => this.replica.apply(entry));
    if (!applied) return;
    this.delivery.deliver(entry, Date.now());
    if (entry.pos % PRUNE_EVERY_ENTRIES === 0) this.replica.prune();
  }

  /** Seeds the replica (first use) or catches it up; false when the list does not exist. */
  private makeCurrent(): Promise<boolean> {
    if (this.current && this.ready) return Promise.resolve(true);
    return this.catchUp();
  }

  private catchUp(): Promise<boolean> {
    this.catchingUp ??= this.fetchMissing().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async fetchMissing(): Promise<boolean> {
    const relay = this.address!.relay;
    if (!this.ready || !this.replica.seeded()) {
      const seed = await this.list().seedRelay(relay);
      if (seed === null) return false;
      this.others = seed.others;
      this.title = seed.title;
      this.setUp();
      // Another call may have seeded it while we waited.
      if (!this.replica.seeded()) {
        this.ctx.storage.transactionSync(() => this.replica.seed(seed));
        this.delivery.readPosition();
      }
    }
    for (;;) {
      const answer = await this.list().entriesAfter(relay, this.replica.lastPos());
      if (!answer.ok) return false;
      this.hearOthers(answer.others);
      this.title = answer.title;
      for (const entry of answer.entries) if (entry.pos === this.replica.lastPos() + 1) this.applyOne(entry);
      if (answer.entries.length === 0 || this.replica.lastPos() >= answer.lastPos) break;
    }
    this.current = true;
    return true;
  }

  private reply(): RelayReply {
    return { position: this.position(), connections: this.audience.count(), framesOut: this.usageCounters.framesOut };
  }

  /** Tells the list this relay's counts (after each head count here); hears the rest of the audience back. */
  private report(): void {
    if (this.address === null) return;
    const counts = { connections: this.audience.count(), framesOut: this.usageCounters.framesOut };
    this.list()
      .relayReport(this.address.relay, counts)
      .then((answer) => {
        this.hearOthers(answer.others);
        if (!answer.fed) {
          this.current = false;
          // Viewers here still need feeding: ask to be fed again.
          if (this.audience.count() > 0) void this.catchUp();
        }
      })
      .catch(() => {
        // The next head count reports again.
      });
  }
}
