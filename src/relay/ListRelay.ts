/**
 * A relay: a slice of one list's viewers, served by the same engine as the
 * list's own object (src/delivery/engine.ts) over a replica of the list's log
 * (replica.ts) instead of the log itself. Viewers speak exactly the protocol
 * of docs/PROTOCOL.md; the list's object feeds the replica by RPC (`apply`)
 * and stays the only writer.
 *
 * The relay is `{listId}/relay/{n}` (src/shared/relays.ts). It is seeded by
 * the list when its first viewer arrives, and keeps its replica current
 * through its link to the list (listLink.ts). This class builds the engine,
 * the replica and the link, and routes each RPC and hook to one of them.
 */
import { DurableObject } from "cloudflare:workers";
import { readDeliveryConfig, type DeliveryVars } from "../delivery/config";
import { buildEngine, startEngine, type Engine } from "../delivery/engine";
import { hasSchema, runMigrations } from "../delivery/platform/migrate";
import { taggedSql } from "../delivery/platform/sql";
import { emptyUsage, type RoomUsage } from "../delivery/platform/usage";
import { errorBody, ErrorCode } from "../protocol/errors";
import type { LogEntry } from "../shared/logEntry";
import { UNAVAILABLE_MESSAGE } from "../shared/objectUnavailable";
import type { ListForRelays, RelayObject, RelayReply } from "../shared/relayRpc";
import { newRelayToken, parseRelayName, relayOfToken } from "../shared/relays";
import { ListLink, ListNews } from "./listLink";
import { RELAY_SCHEMAS } from "./relayMigrations";
import { Replica } from "./replica";

/** An arrival the relay cannot serve because the list does not answer is told to come back after this long (`503`, `Retry-After`). */
export const RELAY_UNAVAILABLE_RETRY_AFTER_S = 5;

export type RelayEnv = DeliveryVars & { LIST_ROOM: DurableObjectNamespace<ListForRelays> };

export class ListRelay extends DurableObject<RelayEnv> implements RelayObject {
  private readonly usageCounters: RoomUsage = emptyUsage();
  private readonly address = parseRelayName(this.ctx.id.name ?? "");
  private readonly replica: Replica;
  private readonly engine: Engine;
  private readonly link: ListLink;
  private ready = false;

  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    const sql = taggedSql(ctx.storage.sql, this.usageCounters);
    this.replica = new Replica(sql);
    const news = new ListNews();
    const relay = this.address?.relay ?? 0;
    const tokens = { issue: () => newRelayToken(relay), accepts: (token: string) => relayOfToken(token) === relay };
    const config = readDeliveryConfig(env);
    this.engine = buildEngine({ ctx, config, sql, usage: this.usageCounters, log: this.replica, title: () => news.title, tokens });
    const listId = this.address?.listId;
    this.link = new ListLink({
      ctx,
      engine: this.engine,
      replica: this.replica,
      news,
      usage: this.usageCounters,
      address: listId === undefined ? null : { list: () => env.LIST_ROOM.getByName(listId), relay },
      ready: () => this.ready,
      setUp: () => this.setUp(),
    });
    // The head count here counts the rest of the list's audience too, and the list hears each one sent.
    this.engine.headCount.widen({ total: (open) => open + news.others, told: () => this.link.report() });
    void ctx.blockConcurrencyWhile(async () => {
      if (hasSchema(ctx.storage)) this.setUp();
      await this.engine.alarms.load();
      this.link.scheduleCheckIn();
    });
  }

  private setUp(): void {
    if (this.ready) return;
    runMigrations(this.ctx.storage, RELAY_SCHEMAS);
    startEngine(this.engine, Date.now());
    this.ready = true;
  }

  // ---- Fed by the list's object ---------------------------------------------

  /** New log entries, oldest first: applied in order, each delivered to the viewers here. */
  async apply(entries: LogEntry[]): Promise<RelayReply> {
    await this.link.apply(entries);
    return { position: this.position(), ...this.link.counts() };
  }

  /** The rest of the list's audience changed: the viewers here hear the new total. */
  hearOthers(others: number): void {
    this.link.hearOthers(others);
  }

  /** The list was renamed: the viewers here hear it at once, as the list's own do. */
  hearRenamed(title: string): void {
    this.link.hearRenamed(title);
  }

  /** How many sockets are open here. */
  connectionCount(): number {
    return this.engine.audience.count();
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
    const current = this.address === null ? false : await this.link.makeCurrent().catch(() => null);
    if (current === null) {
      // The list's object did not answer (the link noted it): not this arrival's fault, and worth trying again.
      return Response.json(errorBody(ErrorCode.Unavailable, UNAVAILABLE_MESSAGE), {
        status: 503,
        headers: { "Retry-After": String(RELAY_UNAVAILABLE_RETRY_AFTER_S) },
      });
    }
    if (!current) return Response.json(errorBody(ErrorCode.NotFound, "there is no such list"), { status: 404 });
    const response = await this.engine.arrivals.arrive(request);
    this.link.scheduleCheckIn();
    return response;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.engine.intake.receive(ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.engine.arrivals.leave(ws, Date.now());
    this.engine.arrivals.answerClose(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    this.engine.arrivals.leave(ws, Date.now());
  }

  override async alarm(): Promise<void> {
    this.engine.alarms.fire(Date.now());
  }
}
