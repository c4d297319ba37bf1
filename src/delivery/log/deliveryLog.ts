/**
 * What delivery reads: a log numbered by position without gaps. This is the
 * engine's only view of content. A connection's frames are derived from it
 * (rounds/derivedFrames.ts), so whatever can answer these four questions can
 * serve sockets: the list's own SQLite store (src/room/itemStore.ts), a
 * relay's replica of it (src/relay/replica.ts), or an in-memory log
 * (memoryLog.ts, for tests in plain Node). One contract suite holds all three
 * to the same answers (test/delivery/log/deliveryLogContract.ts).
 */
import type { LogEntry, Page } from "../../shared/logEntry";

export interface DeliveryLog {
  /** The position of the newest entry; 0 while the log is empty. */
  lastPos(): number;
  /** When the entry at `pos` was made (ms since epoch), or null if there is none. */
  entryAt(pos: number): number | null;
  /** Oldest first: the entries with `fromPos <= pos <= toPos`, each with its item as it is now; read as far as the caller goes. */
  range(fromPos: number, toPos: number): Iterable<LogEntry>;
  /** Newest first: at most `limit` live items saved below `belowPos`, as many as fit one frame ({@link pageOf}). */
  pageBelow(belowPos: number, limit: number): Page;
}
