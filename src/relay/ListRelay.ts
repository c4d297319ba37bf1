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
import { CloseCode } from "../protocol/limits";
import { UNAVAILABLE_MESSAGE } from "../shared/objectUnavailable";
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
/** A relay with viewers that has not heard from the list for this long asks it (a save or a head count usually comes first); rare, because it wakes a hibernating relay and the list. */
export const RELAY_CHECK_IN_MS = 5 * 60_000;
/** While the list does not answer, the relay asks again this often. */
export const RELAY_RECHECK_MS = 10_000;
/**
 * A relay that has not reached the list for this long says `bye` (close 4008)
 * to its viewers: they reconnect without resuming and get a fresh snapshot
 * once the list answers, instead of staying on a replica that no longer moves.
 */
export const RELAY_CUT_OFF_MS = 120_000;
/** An arrival the relay cannot serve because the list does not answer is told to come back after this long (`503`, `Retry-After`). */
export const RELAY_UNAVAILABLE_RETRY_AFTER_S = 5;

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
  /** When the list last answered or called (a fresh instance counts from its start). */
  private lastContact = Date.now();
  /** Since when calls to the list have failed, or null while it answers. */
  private unreachableSince: number | null = null;

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
    this.parts.alarms.assign("relays", (now) => this.checkLink(now));
    void ctx.blockConcurrencyWhile(async () => {
      if (hasSchema(ctx.storage)) this.setUp();
      await this.parts.alarms.load();
      this.scheduleCheckIn();
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
    this.heard(Date.now());
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
    this.heard(Date.now());
    if (others === this.others) return;
    this.others = others;
    this.parts.headCount.changed(Date.now());
  }

  /** The list was renamed: the viewers here hear it at once, as the list's own do. */
  hearRenamed(title: string): void {
    this.heard(Date.now());
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
    const current = this.address === null ? false : await this.makeCurrent().catch(() => null);
    if (current === null) {
      // The list's object did not answer (catchUp noted it): not this arrival's fault, and worth trying again.
      return Response.json(errorBody(ErrorCode.Unavailable, UNAVAILABLE_MESSAGE), {
        status: 503,
        headers: { "Retry-After": String(RELAY_UNAVAILABLE_RETRY_AFTER_S) },
      });
    }
    if (!current) return Response.json(errorBody(ErrorCode.NotFound, "there is no such list"), { status: 404 });
    const response = await this.parts.arrivals.arrive(request);
    this.scheduleCheckIn();
    return response;
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
    this.catchingUp ??= this.fetchMissing()
      .then(
        (ok) => (this.heard(Date.now()), ok),
        (error: unknown) => {
          this.unreachable(Date.now());
          throw error;
        },
      )
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  // ---- Noticing a list that no longer answers ---------------------------------

  private heard(now: number): void {
    this.lastContact = now;
    this.unreachableSince = null;
    this.scheduleCheckIn();
  }

  /** With viewers here, the link duty is due a check-in after the list was last heard from. */
  private scheduleCheckIn(): void {
    if (this.parts.audience.count() > 0) this.parts.alarms.dueBy("relays", this.lastContact + RELAY_CHECK_IN_MS);
  }

  private unreachable(now: number): void {
    this.unreachableSince ??= now;
    this.current = false;
    this.parts.alarms.dueBy("relays", now + RELAY_RECHECK_MS);
  }

  /** The alarm's link duty: check in with a list quiet for long, retry one that failed, say bye past the cut-off. */
  private checkLink(now: number): number | null {
    if (this.parts.audience.count() === 0) return null;
    if (this.unreachableSince !== null && now - this.unreachableSince >= RELAY_CUT_OFF_MS) {
      for (const [ws] of this.parts.audience.open()) {
        this.parts.out.closeWithBye(ws, CloseCode.AckTimeout, "this relay lost touch with the list; reconnect for a fresh snapshot");
      }
      return null;
    }
    if (this.unreachableSince === null && now - this.lastContact < RELAY_CHECK_IN_MS) return this.lastContact + RELAY_CHECK_IN_MS;
    this.catchUp().catch(() => {
      // Recorded by catchUp; the next check retries.
    });
    return now + RELAY_RECHECK_MS;
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
    return { position: this.position(), connections: this.parts.audience.count(), people: this.parts.audience.people(), framesOut: this.usageCounters.framesOut };
  }

  /** Tells the list this relay's counts (after each head count here); hears the rest of the audience back. */
  private report(): void {
    if (this.address === null) return;
    const counts = { connections: this.parts.audience.count(), people: this.parts.audience.people(), framesOut: this.usageCounters.framesOut };
    this.list()
      .relayReport(this.address.relay, counts)
      .then((answer) => {
        this.hearOthers(answer.others); // which marks the list as heard from
        if (!answer.fed) {
          this.current = false;
          // Viewers here still need feeding: ask to be fed again.
          if (this.parts.audience.count() > 0) void this.catchUp();
        }
      })
      .catch(() => {
        // The next head count reports again; the link duty notices if the list stays away.
        this.unreachable(Date.now());
      });
  }
}
