/**
 * The shapes the checks report in: a violation breaks an invariant; a timing
 * note is a departure the harness can show was caused by lost time (its own
 * event loop stalling, or the server's alarm running late), kept visible in
 * the report but not counted as a violation.
 */
import type { ServerTiming } from "./config";
import type { History } from "./history";
import type { Item } from "../../src/protocol/item";
import type { ProxiedConnectionLog } from "./proxy";

export type InvariantId =
  | "1 durability"
  | "2 idempotency"
  | "3 client lists"
  | "4 contiguous seq"
  | "5 drops"
  | "6 convergence"
  | "7 stale attempts"
  | "8 final versions"
  | "9 removals final"
  | "10 versions increase"
  | "11 fields merge"
  | "12 writers alone"
  | "protocol";

export interface Finding {
  invariant: InvariantId;
  message: string;
}

export interface CheckTally {
  invariant: InvariantId;
  /** What was checked, e.g. "1002 saves × 5 reads". */
  scope: string;
  violations: Finding[];
}

export interface CheckResult {
  tallies: CheckTally[];
  notes: Finding[];
}

export interface CheckInput {
  history: History;
  /** The server's whole list after settling, newest first. */
  finalList: Item[];
  timing: ServerTiming;
  proxyLog(tag: string): ProxiedConnectionLog | undefined;
  /** For each client still running at the end, the items its list shows, newest first. */
  finalClientLists: Map<number, readonly Item[]>;
}
