/**
 * What a room answers a command with: the value, or a refusal the Worker
 * turns into an HTTP answer (src/worker/roomRefusals.ts). Refusals are values,
 * not exceptions, so every way a command can be refused is in its type.
 */
import type { ErrorCode } from "../protocol/errors";
import type { ChangeField, Item } from "../protocol/item";

/**
 * Why a room refused: an error code, a message for people, how long to wait
 * when waiting helps, and for a change that collided with another writer's
 * (`version_mismatch`), the fields that collided and the item as it is now.
 */
export type RoomError = { code: ErrorCode; message: string; retryAfterMs?: number; conflict?: { fields: ChangeField[]; item: Item } };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: RoomError };
