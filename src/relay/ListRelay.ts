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
import type { RenamedFrame } from "../protocol/frames";
import { readConfig, type RoomVars } from "../room/config";
import type { LogEntry } from "../room/delivery/log";
import { buildDeliveryParts, type DeliveryWiring } from "../room/deliveryParts";
import type { ListRoom } from "../room/ListRoom";
import { hasSchema, runMigrations } from "../room/migrations";
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
  private readonly parts: DeliveryWiring;
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
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    this.replica = new Replica(sql);
    const relay = this.address?.relay ?? 0;
    const tokens = {
      issue: () => newRelayToken(relay),
      accepts: (token: string) => relayOfToken(token) === relay,
    };
    this.parts = buildDeliveryParts({
      ctx,
      config: readConfig(env),
      sql,
      usage: this.usageCounters,
      log: this.replica,
      listTitle: () => this.title,
      wider: { total: (open) => open + this.others, told: () => this.report() },
      tokens,
    });
    void ctx.blockConcurrencyWhile(async () => {
      if (hasSchema(ctx.storage)) this.setUp();
      await this.parts.alarms.load();
    });
  }

  private setUp(): void {
    if (this.ready) return;
    runMigrations(this.ctx.storage, RELAY_MIGRATIONS);
    this.parts.delivery.readPosition();
    this.parts.sessions.detachThoseWithoutSocket(Date.now());
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
    this.parts.headCount.changed(Date.now());
  }

  /** The list was renamed: the viewers here hear it at once, as the list's own do. */
  hearRenamed(title: string): void {
    this.title = title;
    this.parts.out.toEach(this.parts.audience.open(), { type: "renamed", title } satisfies RenamedFrame);
  }

  /** How many sockets are open here. */
  connectionCount(): number {
    return this.parts.audience.count();
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
    return this.parts.arrivals.arrive(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.parts.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.parts.arrivals.leave(ws, Date.now());
    this.parts.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    this.parts.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.parts.alarms.fire(Date.now());
  }

  // ---- Keeping the replica current ------------------------------------------

  private applyOne(entry: LogEntry): void {
    const applied = this.ctx.storage.transactionSync(() => this.replica.apply(entry));
    if (!applied) return;
    this.parts.delivery.deliver(entry, Date.now());
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
        this.parts.delivery.readPosition();
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
    return { position: this.position(), connections: this.parts.audience.count(), framesOut: this.usageCounters.framesOut };
  }

  /** Tells the list this relay's counts (after each head count here); hears the rest of the audience back. */
  private report(): void {
    if (this.address === null) return;
    const counts = { connections: this.parts.audience.count(), framesOut: this.usageCounters.framesOut };
    this.list()
      .relayReport(this.address.relay, counts)
      .then((answer) => {
        this.hearOthers(answer.others);
        if (!answer.fed) {
          this.current = false;
          // Viewers here still need feeding: ask to be fed again.
          if (this.parts.audience.count() > 0) void this.catchUp();
        }
      })
      .catch(() => {
        // The next head count reports again.
      });
  }
}
