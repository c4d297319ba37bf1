/**
 * What a list's object (src/room/relays/ on its side) and its relays
 * (src/relay/) tell each other over RPC, and each object's RPC surface as the
 * other's namespace binding types it, so that neither imports the other.
 */
import type { LogEntry, Page } from "./logEntry";

/** A relay's audience and work, as it reports them to the list's object. */
export interface RelayCounts {
  /** Its open sockets: what placement fills it by. */
  connections: number;
  /** The distinct browsers among them (sockets without a browser id count one each): what presence sums. */
  people: number;
  framesOut: number;
}

/** A relay's answer to a delivery: how far its replica now reaches, and its counts. */
export interface RelayReply extends RelayCounts {
  position: number;
}

/** The list's answer to a report: the rest of the audience, and whether the list still feeds this relay. */
export interface RelayReportAnswer {
  others: number;
  fed: boolean;
}

/**
 * What the list's object answers a relay that asks for entries (with the rest of the audience, as a report's answer has it).
 * `title` is the list's title now, for the welcome a relay sends (a rename reaches it by `hearRenamed`).
 */
export type CatchUp = { ok: true; entries: LogEntry[]; lastPos: number; others: number; title: string } | { ok: false };

/** Where a relay's replica starts: the list's newest page as of `lastPos`. */
export interface ReplicaSeed {
  lastPos: number;
  page: Page;
}

/** What a relay starting gets from the list: its seed, the rest of the audience, and the list's title. */
export type RelaySeed = ReplicaSeed & { others: number; title: string };

/** What the list's object calls on a relay. */
export interface RelayEndpoint {
  apply(entries: LogEntry[]): Promise<RelayReply>;
  hearOthers(others: number): Promise<void>;
  hearRenamed(title: string): Promise<void>;
}

/** A relay object (src/relay/ListRelay.ts), as the list's `LIST_RELAY` binding types it. */
export interface RelayObject extends Rpc.DurableObjectBranded {
  apply(entries: LogEntry[]): Promise<RelayReply>;
  hearOthers(others: number): void;
  hearRenamed(title: string): void;
}

/** A list's object (src/room/ListRoom.ts), as a relay's `LIST_ROOM` binding types it: what a relay asks its list. */
export interface ListForRelays extends Rpc.DurableObjectBranded {
  /** Relay `index` starts; null for no such list. */
  seedRelay(index: number): RelaySeed | null;
  /** Relay `index` lacks what follows `pos`. */
  entriesAfter(index: number, pos: number): CatchUp;
  /** Relay `index` says how many viewers it has; it hears the rest of the audience. */
  relayReport(index: number, counts: RelayCounts): RelayReportAnswer;
}
