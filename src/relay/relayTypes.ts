/** What a list's object and its relays tell each other over RPC. */
import type { LogEntry } from "../room/delivery/log";

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

/** What the list's object answers a relay that asks for entries (with the rest of the audience, as a report's answer has it). */
/** `title` is the list's title now, for the welcome a relay sends (a rename reaches it by `hearRenamed`). */
export type CatchUp = { ok: true; entries: LogEntry[]; lastPos: number; others: number; title: string } | { ok: false };
