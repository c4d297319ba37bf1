/**
 * The list's side of its relays: it stays the only writer and delivers each
 * new log entry to every relay it feeds, by RPC on the relay's stub (a call
 * wakes a hibernating relay; a socket between objects would not hibernate,
 * workerd issue 4864). Per relay it keeps the position delivered through in
 * SQL (every few entries) and its last socket count, so after a restart it
 * resends from there (the relay ignores what it has) and placement knows
 * which relays are full, at most one call in flight per relay so entries arrive in order, and
 * a failed call retried on the alarm with backoff. A relay that reports no
 * viewers is forgotten; it asks to be fed again (`entriesAfter`) when it has
 * viewers and is unsure it is current.
 *
 * Relays' reports (coalesced): their sockets are what placement reads, their
 * distinct browsers what presence sums. Placement also counts the arrivals
 * sent to a relay that its counts do not show yet (placed, not yet upgraded
 * there), until they show or time out, so a fast crowd does not overfill it.
 */
import type { AlarmDuty, AlarmTable } from "../../delivery/platform/alarms";
import type { Sql } from "../../delivery/platform/sql";
import type { LogEntry } from "../../shared/logEntry";
import type { RelayCounts, RelayEndpoint, RelayReportAnswer } from "../../shared/relayRpc";
import { RELAY_CALL_TIMEOUT_MS, retryDelay, withTimeout } from "./relayCalls";

/** Entries per call, so a relay far behind catches up in bounded steps. */
export const RELAY_BATCH_ENTRIES = 256;
/**
 * How far a relay's delivered position may run ahead of its `relay_feed` row:
 * a row written on every answer was one write per relay per save (measured:
 * the list's most expensive statement at 5,000 viewers on this machine).
 */
export const RELAY_FEED_STORE_EVERY = 16;
/**
 * An arrival placed on a relay that its counts have not shown by then is
 * taken as gone (the client gave up, or its upgrade failed), so that it stops
 * holding a place there.
 */
export const PLACEMENT_ARRIVAL_TIMEOUT_MS = 10_000;
export interface RelayFeedParts {
  sql: Sql;
  /** The list's log, read when a relay is behind. */
  log: { range(fromPos: number, toPos: number): Iterable<LogEntry> };
  lastPos: () => number;
  /** Distinct browsers on the list's own object. */
  ownPeople: () => number;
  relay: (index: number) => RelayEndpoint;
  /** Where the retries' duty is registered. */
  alarms: AlarmTable;
  usage: { relayCalls: number };
  /** A relay's count changed: presence is due. */
  countsChanged: (now: number) => void;
}

interface Link {
  deliveredThrough: number;
  /** The position last written to `relay_feed`. */
  storedThrough: number;
  inFlight: boolean;
  failures: number;
  retryAt: number | null;
}

interface Known extends RelayCounts {
  /** When each arrival sent there that its counts have not shown yet was placed, oldest first. */
  placedAt: number[];
  /** What it was last told of the rest of the audience. */
  toldOthers: number | null;
}

export class RelayFeed {
  /** The relays being fed, by number; loaded from SQL. */
  private readonly links = new Map<number, Link>();
  /** What each relay last reported, fed or not (the socket counts of fed relays are also kept in SQL, for placement after a restart). */
  private readonly known = new Map<number, Known>();
  /** The retries' duty of the one alarm. */
  private readonly retries: AlarmDuty;

  constructor(private readonly parts: RelayFeedParts) {
    this.retries = parts.alarms.register("relays", (now) => this.onAlarm(now));
  }

  /** Reads the relays fed before a restart and their last counts, and resends what they may have missed. */
  load(now: number): void {
    for (const row of this.parts.sql<{ relay: number; delivered_through: number; connections: number }>`SELECT relay, delivered_through, connections FROM relay_feed`) {
      this.links.set(row.relay, { deliveredThrough: row.delivered_through, storedThrough: row.delivered_through, inFlight: false, failures: 0, retryAt: null });
      // Browsers are not kept: as many as sockets is the most they can be, until its next report.
      Object.assign(this.knownOf(row.relay), { connections: row.connections, people: row.connections });
    }
    this.sendToAll(now);
  }

  /** Relay `index` holds the log through `pos` and is to be fed from there. */
  feed(index: number, pos: number): void {
    let link = this.links.get(index);
    if (link) {
      link.deliveredThrough = Math.max(link.deliveredThrough, pos);
      link.failures = 0;
      link.retryAt = null;
      // A restart resends from the stored position and the relay ignores what it has, so a row every few entries is enough.
      if (link.deliveredThrough - link.storedThrough < RELAY_FEED_STORE_EVERY) return;
    } else {
      link = { deliveredThrough: pos, storedThrough: pos, inFlight: false, failures: 0, retryAt: null };
      this.links.set(index, link);
    }
    link.storedThrough = link.deliveredThrough;
    this.parts.sql`INSERT INTO relay_feed (relay, delivered_through, connections) VALUES (${index}, ${link.deliveredThrough}, ${this.known.get(index)?.connections ?? 0})
      ON CONFLICT (relay) DO UPDATE SET delivered_through = MAX(delivered_through, excluded.delivered_through)`;
  }

  /** The entries after `pos` a relay asks for (a gap, or waking behind), at most a batch; it is fed from there on. */
  entriesAfter(index: number, pos: number): LogEntry[] {
    const entries = [...this.parts.log.range(pos + 1, Math.min(this.parts.lastPos(), pos + RELAY_BATCH_ENTRIES))];
    this.feed(index, entries.at(-1)?.pos ?? pos);
    return entries;
  }

  /** A new entry was written: every relay that is current gets it, the others catch up. */
  delivered(entry: LogEntry, now: number): void {
    for (const [index, link] of this.links) this.send(index, link, now, entry);
  }

  /**
   * A relay reported its counts: placement and presence read them. One with
   * no viewers, and none sent to it since it counted, is no longer fed; the
   * answer tells it so, so it asks to be fed again once it has viewers.
   */
  report(index: number, counts: RelayCounts, now: number): RelayReportAnswer {
    this.noteCounts(index, counts, now);
    const known = this.knownOf(index);
    let forgotten = false;
    if (counts.connections === 0 && this.inFlight(known, now) === 0 && this.links.has(index)) {
      this.links.delete(index);
      this.parts.sql`DELETE FROM relay_feed WHERE relay = ${index}`;
      forgotten = true;
    }
    const others = this.othersOf(index);
    known.toldOthers = others;
    return { others, fed: !forgotten && this.links.has(index) };
  }

  /** Counts that came with a delivery's answer: read, but only a report of the relay's own can stop its feed. */
  private noteCounts(index: number, counts: RelayCounts, now: number): void {
    const known = this.knownOf(index);
    const changed = known.connections !== counts.connections || known.people !== counts.people;
    // Sockets it gained are taken as the oldest arrivals placed there (a
    // resume counts too, a departure hides one, and so may counts that come
    // back out of order: each error lasts at most until a placement times out).
    known.placedAt.splice(0, Math.max(0, counts.connections - known.connections));
    known.connections = counts.connections;
    known.people = counts.people;
    known.framesOut = counts.framesOut;
    if (!changed) return;
    this.parts.sql`UPDATE relay_feed SET connections = ${counts.connections} WHERE relay = ${index}`;
    this.parts.countsChanged(now);
  }

  /** The audience outside relay `index`: the list's own browsers and every other relay's. */
  othersOf(index: number): number {
    return this.parts.ownPeople() + this.relayedPeople() - (this.known.get(index)?.people ?? 0);
  }

  /** A fresh arrival is being sent to relay `index`. */
  placed(index: number, now: number): void {
    this.knownOf(index).placedAt.push(now);
  }

  /** Each relay's load for placement: its sockets as it last counted them plus the arrivals sent there that it has not counted yet. */
  loads(now: number): number[] {
    const loads: number[] = [];
    for (const [index, known] of this.known) loads[index] = known.connections + this.inFlight(known, now);
    return loads;
  }

  /** Arrivals placed on a relay and not yet in its counts, forgetting those past the timeout. */
  private inFlight(known: Known, now: number): number {
    const firstLive = known.placedAt.findIndex((at) => at > now - PLACEMENT_ARRIVAL_TIMEOUT_MS);
    known.placedAt.splice(0, firstLive < 0 ? known.placedAt.length : firstLive);
    return known.placedAt.length;
  }

  /**
   * Browsers on every relay together, as last reported. Each object counts
   * its own distinct browsers, so a browser whose tabs landed on two objects
   * counts once on each (docs/SCALING.md, "Presence").
   */
  relayedPeople(): number {
    let sum = 0;
    for (const known of this.known.values()) sum += known.people;
    return sum;
  }

  /** The list was renamed: every relay with viewers tells them (a relay that misses it learns the title on its next catch-up). */
  tellRenamed(title: string): void {
    for (const [index] of this.relaysWithViewers()) {
      this.parts.usage.relayCalls++;
      this.parts.relay(index).hearRenamed(title).catch(() => {});
    }
  }

  /** Presence went out with `total`: each relay hears the rest of the audience, when that changed for it. */
  tellOthers(total: number): void {
    for (const [index, known] of this.relaysWithViewers()) {
      const others = total - known.people;
      if (known.toldOthers === others) continue;
      known.toldOthers = others;
      this.parts.usage.relayCalls++;
      this.parts.relay(index).hearOthers(others).catch(() => {
        known.toldOthers = null;
      });
    }
  }

  /** The relays that hold viewers or are still fed: the ones a change of the list's title or audience concerns. */
  private *relaysWithViewers(): Generator<[number, Known]> {
    for (const [index, known] of this.known) {
      if (known.connections !== 0 || this.links.has(index)) yield [index, known];
    }
  }

  /** The alarm's duty: retries that are due; returns when the next is. */
  onAlarm(now: number): number | null {
    this.sendToAll(now);
    let next = Number.POSITIVE_INFINITY;
    for (const link of this.links.values()) if (link.retryAt !== null) next = Math.min(next, link.retryAt);
    return Number.isFinite(next) ? next : null;
  }

  /** Each relay's counts, for the usage answer. */
  usage(): Array<{ relay: number } & RelayCounts> {
    return [...this.known].sort(([a], [b]) => a - b).map(([relay, { connections, people, framesOut }]) => ({ relay, connections, people, framesOut }));
  }

  private knownOf(index: number): Known {
    let known = this.known.get(index);
    if (!known) {
      known = { connections: 0, people: 0, framesOut: 0, placedAt: [], toldOthers: null };
      this.known.set(index, known);
    }
    return known;
  }

  private sendToAll(now: number): void {
    for (const [index, link] of this.links) this.send(index, link, now, null);
  }

  /** Sends relay `index` what it lacks, one call at a time; `entry` is the newest, already read. */
  private send(index: number, link: Link, now: number, entry: LogEntry | null): void {
    const lastPos = this.parts.lastPos();
    if (link.inFlight || link.deliveredThrough >= lastPos) return;
    if (link.retryAt !== null && link.retryAt > now) return;
    const entries =
      entry !== null && entry.pos === link.deliveredThrough + 1
        ? [entry]
        : [...this.parts.log.range(link.deliveredThrough + 1, Math.min(lastPos, link.deliveredThrough + RELAY_BATCH_ENTRIES))];
    if (entries.length === 0) return;
    link.inFlight = true;
    this.parts.usage.relayCalls++;
    withTimeout(this.parts.relay(index).apply(entries), RELAY_CALL_TIMEOUT_MS).then(
      (reply) => {
        link.inFlight = false;
        if (this.links.get(index) !== link) return;
        this.noteCounts(index, reply, Date.now());
        const through = entries.at(-1)!.pos;
        // A relay that did not get as far as what it was sent (it could not
        // catch up) is retried later, not called again at once.
        if (reply.position < through) return this.failed(index, link, `it holds ${reply.position} of ${through}`);
        link.failures = 0;
        link.retryAt = null;
        this.feed(index, Math.min(reply.position, this.parts.lastPos()));
        if (this.links.get(index) === link) this.send(index, link, Date.now(), null);
      },
      (error: unknown) => {
        link.inFlight = false;
        this.failed(index, link, String(error));
      },
    );
  }

  private failed(index: number, link: Link, why: string): void {
    link.failures++;
    link.retryAt = Date.now() + retryDelay(link.failures);
    console.warn(`relay ${index} did not take entries after ${link.deliveredThrough} (${why}); retrying in ${retryDelay(link.failures)} ms`);
    this.retries.dueBy(link.retryAt);
  }
}
