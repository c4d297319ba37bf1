/**
 * What delivery reads: the list's log, numbered by position without gaps.
 * A connection's frames are derived from it (derivedFrames.ts), so whatever
 * can answer these four questions can serve sockets: the list's own SQLite
 * store (itemStore.ts), an in-memory log (memoryLog.ts, for tests in plain
 * Node), or later a replica of a list's log fed by another object.
 */
import type { EntryKind, LogEntry, Page } from "../itemStore";

export type { EntryKind, LogEntry, Page };

export interface DeliveryLog {
  /** The position of the newest entry; 0 while the log is empty. */
  lastPos(): number;
  /** When the entry at `pos` was made (ms since epoch), or null if there is none. */
  entryAt(pos: number): number | null;
  /** Oldest first: the entries with `fromPos <= pos <= toPos`, each with its item as it is now; read as far as the caller goes. */
  range(fromPos: number, toPos: number): Iterable<LogEntry>;
  /** Newest first: at most `limit` live items saved below `belowPos`, as many as fit one frame (a snapshot's items). */
  pageBelow(belowPos: number, limit: number): Page;
}
