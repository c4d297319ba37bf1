/**
 * The room's settings, read from its vars by the one table of variables
 * (config/variables.ts): a value that is not a sensible whole number stops the
 * object with a message naming it, instead of running with a timer of NaN.
 */
import { readWholeNumber, type Vars } from "../config/variables";
import type { SendWindow } from "../protocol/frames";
import type { DeliveryTiming } from "./resendSchedule";

/** The vars a room reads. */
export type RoomVars = Vars<
  | "RESEND_INTERVAL_MS"
  | "MAX_SEND_ATTEMPTS"
  | "RESUME_WINDOW_MS"
  | "RESUME_TOKEN_GRACE_MS"
  | "FRAMES_PER_SECOND"
  | "LIST_SAVES_PER_MINUTE"
  | "LIST_MAX_ITEMS"
  | "LIST_MAX_BYTES"
  | "CONNECTIONS_PER_ADDRESS"
  | "SEND_WINDOW_FRAMES"
  | "SEND_WINDOW_BYTES"
  | "PRESENCE_INTERVAL_MS"
  | "OWNER_KEY"
>;

export interface ListCeilings {
  items: number;
  textBytes: number;
}

export interface RoomConfig extends DeliveryTiming {
  resumeWindowMs: number;
  /** How long a replaced resume token still resumes after its successor was issued, unless the successor is used first. */
  resumeTokenGraceMs: number;
  /** Sustained client frames per second per connection (bursts of three seconds' worth pass). */
  framesPerSecond: number;
  /** Sustained saves per minute to the whole list, from every limited address together. */
  listSavesPerMinute: number;
  connectionsPerAddress: number;
  /** What one list may hold: live items, and bytes of their text (UTF-8). */
  ceilings: ListCeilings;
  /** What one connection may have sent but unacknowledged. */
  sendWindow: SendWindow;
  /** The head count goes out at most this often. */
  presenceIntervalMs: number;
}

export function readConfig(vars: RoomVars): RoomConfig {
  return {
    resendIntervalMs: readWholeNumber("RESEND_INTERVAL_MS", vars),
    maxSendAttempts: readWholeNumber("MAX_SEND_ATTEMPTS", vars),
    resumeWindowMs: readWholeNumber("RESUME_WINDOW_MS", vars),
    resumeTokenGraceMs: readWholeNumber("RESUME_TOKEN_GRACE_MS", vars),
    framesPerSecond: readWholeNumber("FRAMES_PER_SECOND", vars),
    listSavesPerMinute: readWholeNumber("LIST_SAVES_PER_MINUTE", vars),
    connectionsPerAddress: readWholeNumber("CONNECTIONS_PER_ADDRESS", vars),
    ceilings: { items: readWholeNumber("LIST_MAX_ITEMS", vars), textBytes: readWholeNumber("LIST_MAX_BYTES", vars) },
    sendWindow: { frames: readWholeNumber("SEND_WINDOW_FRAMES", vars), bytes: readWholeNumber("SEND_WINDOW_BYTES", vars) },
    presenceIntervalMs: readWholeNumber("PRESENCE_INTERVAL_MS", vars),
  };
}

/** What a room runs with when no var is set: the table's defaults. */
export const DEFAULT_CONFIG: RoomConfig = readConfig({});
