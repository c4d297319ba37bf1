/**
 * What a room answers a command with: the value, or a refusal the Worker
 * turns into an HTTP answer (src/worker/roomRefusals.ts). Refusals are values,
 * not exceptions, so every way a command can be refused is in its type.
 */
import type { ErrorCode } from "../protocol/errors";

/** Why a room refused: an error code, a message for people, and how long to wait when waiting helps. */
export type RoomError = { code: ErrorCode; message: string; retryAfterMs?: number };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: RoomError };
