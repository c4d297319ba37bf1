/**
 * The list's side of its relays, in one place: the feed that delivers its
 * log to them (relayFeed.ts), where fresh arrivals go (arrivalRouter.ts), and
 * the answers to what relays ask the list by RPC (a seed, the entries after a
 * position, a report of their counts). The list's object checks that the list
 * exists and hands each RPC here.
 */
import type { DeliveryLog } from "../../delivery/log/deliveryLog";
import type { AlarmTable } from "../../delivery/platform/alarms";
import type { Sql } from "../../delivery/platform/sql";
import { PAGE_DEFAULT_LIMIT } from "../../protocol/limits";
import type { CatchUp, RelayCounts, RelayObject, RelayReportAnswer, RelaySeed } from "../../shared/relayRpc";
import { relayName } from "../../shared/relays";
import { ArrivalRouter, readPlacementRule, type RelayVars } from "./arrivalRouter";
import { RelayFeed } from "./relayFeed";

export interface ListRelaysParts {
  env: RelayVars & { LIST_RELAY: DurableObjectNamespace<RelayObject> };
  listId: string;
  sql: Sql;
  /** The list's log: its range feeds relays, its newest page seeds them. */
  log: DeliveryLog;
  lastPos: () => number;
  /** Sockets on the list's own object. */
  ownCount: () => number;
  /** Distinct browsers on the list's own object. */
  ownPeople: () => number;
  alarms: AlarmTable;
  /** A relay's count changed: presence is due. */
  countsChanged: (now: number) => void;
  /** Serves a socket on the list's own object. */
  here: (request: Request) => Promise<Response>;
  /** Whether a session on the list's own object has this resume token. */
  holds: (token: string) => Promise<boolean>;
  /** The list's title now, for the relays' welcomes. */
  title: () => string;
}

export class ListRelays {
  readonly feed: RelayFeed;
  readonly router: ArrivalRouter;
  /** Calls to relays since this instance started (kept apart from the room's counters, whose set the usage answer fixes). */
  private readonly calls = { relayCalls: 0 };

  constructor(private readonly parts: ListRelaysParts) {
    const { env, listId, sql, log, lastPos, ownCount, ownPeople, alarms, countsChanged, here, holds } = parts;
    const relay = (index: number, hint: DurableObjectLocationHint | null = null) =>
      env.LIST_RELAY.getByName(relayName(listId, index), hint === null ? undefined : { locationHint: hint });
    this.feed = new RelayFeed({ sql, log, lastPos, ownPeople, relay, alarms, usage: this.calls, countsChanged });
    this.router = new ArrivalRouter({ rule: readPlacementRule(env), ownCount, feed: this.feed, relay, here, holds });
  }

  /** Relay `index` starts: the newest page at the log's end, from where it is fed. */
  seed(index: number): RelaySeed {
    const lastPos = this.parts.lastPos();
    this.feed.feed(index, lastPos);
    return { lastPos, page: this.parts.log.pageBelow(lastPos + 1, PAGE_DEFAULT_LIMIT), others: this.feed.othersOf(index), title: this.parts.title() };
  }

  /** Relay `index` lacks what follows `pos` (a gap, or it woke behind). */
  entriesAfter(index: number, pos: number): CatchUp {
    const entries = this.feed.entriesAfter(index, pos);
    return { ok: true, entries, lastPos: this.parts.lastPos(), others: this.feed.othersOf(index), title: this.parts.title() };
  }

  /** Relay `index` says how many viewers it has; it hears the rest of the audience. */
  report(index: number, counts: RelayCounts, now: number): RelayReportAnswer {
    return this.feed.report(index, counts, now);
  }

  /** The relays' share of the usage answer: calls to them, and each one's counts as it last reported. */
  usage(): { relayCalls: number; relays: Array<{ relay: number } & RelayCounts> } {
    return { relayCalls: this.calls.relayCalls, relays: this.feed.usage() };
  }
}
