/**
 * The engine's settings, read from the object's vars by the one table of
 * variables (src/config/variables.ts): a value that is not a sensible whole
 * number stops the object with a message naming it, instead of running with
 * a timer of NaN. The list's own settings are src/room/listConfig.ts.
 */
import { readWholeNumber, type Vars } from "../config/variables";
import type { SendWindow } from "../protocol/frames";
import type { DeliveryTiming } from "./rounds/resendSchedule";

/** The vars the engine reads. */
export type DeliveryVars = Vars<
  | "RESEND_INTERVAL_MS"
  | "MAX_SEND_ATTEMPTS"
  | "RESUME_WINDOW_MS"
  | "RESUME_TOKEN_GRACE_MS"
  | "FRAMES_PER_SECOND"
  | "CONNECTIONS_PER_ADDRESS"
  | "SEND_WINDOW_FRAMES"
  | "SEND_WINDOW_BYTES"
  | "PRESENCE_INTERVAL_MS"
>;

export interface DeliveryConfig extends DeliveryTiming {
  resumeWindowMs: number;
  /** How long a replaced resume token still resumes after its successor was issued, unless the successor is used first. */
  resumeTokenGraceMs: number;
  /** Sustained client frames per second per connection (bursts of three seconds' worth pass). */
  framesPerSecond: number;
  connectionsPerAddress: number;
  /** What one connection may have sent but unacknowledged. */
  sendWindow: SendWindow;
  /** The head count goes out at most this often. */
  presenceIntervalMs: number;
}

export function readDeliveryConfig(vars: DeliveryVars): DeliveryConfig {
  return {
    resendIntervalMs: readWholeNumber("RESEND_INTERVAL_MS", vars),
    maxSendAttempts: readWholeNumber("MAX_SEND_ATTEMPTS", vars),
    resumeWindowMs: readWholeNumber("RESUME_WINDOW_MS", vars),
    resumeTokenGraceMs: readWholeNumber("RESUME_TOKEN_GRACE_MS", vars),
    framesPerSecond: readWholeNumber("FRAMES_PER_SECOND", vars),
    connectionsPerAddress: readWholeNumber("CONNECTIONS_PER_ADDRESS", vars),
    sendWindow: { frames: readWholeNumber("SEND_WINDOW_FRAMES", vars), bytes: readWholeNumber("SEND_WINDOW_BYTES", vars) },
    presenceIntervalMs: readWholeNumber("PRESENCE_INTERVAL_MS", vars),
  };
}
