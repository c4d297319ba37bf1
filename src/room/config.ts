/**
 * The delivery settings, read from Worker vars (strings in `wrangler.toml`,
 * overridable with `wrangler dev --var NAME:VALUE`). A value that is not a
 * sensible whole number stops the object with a message naming it, instead of
 * running with a timer of NaN.
 */
import type { SendWindow } from "../protocol/frames";
import { FRAME_MAX_BYTES, SEND_WINDOW_BYTES, SEND_WINDOW_FRAMES } from "../protocol/limits";
import type { DeliveryTiming } from "./resendSchedule";

export interface RoomVars {
  RESEND_INTERVAL_MS?: string;
  MAX_SEND_ATTEMPTS?: string;
  RESUME_WINDOW_MS?: string;
  FRAMES_PER_SECOND?: string;
  LIST_SAVES_PER_MINUTE?: string;
  CONNECTIONS_PER_ADDRESS?: string;
  SEND_WINDOW_FRAMES?: string;
  SEND_WINDOW_BYTES?: string;
  PRESENCE_INTERVAL_MS?: string;
  /** A secret (`wrangler secret put OWNER_KEY`): whoever holds it owns the default list. */
  OWNER_KEY?: string;
}

export interface RoomConfig extends DeliveryTiming {
  resumeWindowMs: number;
  /** Sustained client frames per second per connection (bursts of three seconds' worth pass). */
  framesPerSecond: number;
  /** Sustained saves per minute to the whole list, from every limited address together. */
  listSavesPerMinute: number;
  connectionsPerAddress: number;
  /** What one connection may have sent but unacknowledged. */
  sendWindow: SendWindow;
  /** The head count goes out at most this often. */
  presenceIntervalMs: number;
}

export const DEFAULT_CONFIG: RoomConfig = {
  resendIntervalMs: 30_000,
  maxSendAttempts: 5,
  resumeWindowMs: 120_000,
  framesPerSecond: 20,
  listSavesPerMinute: 600,
  connectionsPerAddress: 100,
  sendWindow: { frames: SEND_WINDOW_FRAMES, bytes: SEND_WINDOW_BYTES },
  presenceIntervalMs: 2_000,
};

/** A var read as a whole number from `min` to `max`; unset or empty is `fallback`, anything else throws naming the var. */
export function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}

const DAY_MS = 86_400_000;

export function readConfig(vars: RoomVars): RoomConfig {
  return {
    resendIntervalMs: wholeNumber("RESEND_INTERVAL_MS", vars.RESEND_INTERVAL_MS, DEFAULT_CONFIG.resendIntervalMs, 10, DAY_MS),
    maxSendAttempts: wholeNumber("MAX_SEND_ATTEMPTS", vars.MAX_SEND_ATTEMPTS, DEFAULT_CONFIG.maxSendAttempts, 1, 100),
    resumeWindowMs: wholeNumber("RESUME_WINDOW_MS", vars.RESUME_WINDOW_MS, DEFAULT_CONFIG.resumeWindowMs, 0, 30 * DAY_MS),
    framesPerSecond: wholeNumber("FRAMES_PER_SECOND", vars.FRAMES_PER_SECOND, DEFAULT_CONFIG.framesPerSecond, 1, 10_000),
    listSavesPerMinute: wholeNumber(
      "LIST_SAVES_PER_MINUTE",
      vars.LIST_SAVES_PER_MINUTE,
      DEFAULT_CONFIG.listSavesPerMinute,
      1,
      1_000_000,
    ),
    connectionsPerAddress: wholeNumber(
      "CONNECTIONS_PER_ADDRESS",
      vars.CONNECTIONS_PER_ADDRESS,
      DEFAULT_CONFIG.connectionsPerAddress,
      1,
      1_000_000,
    ),
    sendWindow: {
      frames: wholeNumber("SEND_WINDOW_FRAMES", vars.SEND_WINDOW_FRAMES, DEFAULT_CONFIG.sendWindow.frames, 1, 10_000),
      // At least one frame's worth, so a window is never smaller than what must fit in it.
      bytes: wholeNumber("SEND_WINDOW_BYTES", vars.SEND_WINDOW_BYTES, DEFAULT_CONFIG.sendWindow.bytes, FRAME_MAX_BYTES, 1 << 30),
    },
    presenceIntervalMs: wholeNumber(
      "PRESENCE_INTERVAL_MS",
      vars.PRESENCE_INTERVAL_MS,
      DEFAULT_CONFIG.presenceIntervalMs,
      10,
      DAY_MS,
    ),
  };
}
