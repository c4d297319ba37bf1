/**
 * Every error code the server can answer with, over HTTP (`{"error":{code,message}}`)
 * or in an error frame. Clients switch on the code; the message is for people.
 * A refused change (`412 version_mismatch`) says more: which fields collided,
 * and the item as it is now.
 */
import { CHANGE_FIELDS, isItem, type ChangeField, type Item } from "./item";

export const ErrorCode = {
  // Input that cannot be accepted.
  InvalidInput: "invalid_input",
  InvalidJson: "invalid_json",
  UnsupportedMediaType: "unsupported_media_type",
  PayloadTooLarge: "payload_too_large",
  InvalidCursor: "invalid_cursor",
  IdempotencyKeyReused: "idempotency_key_reused",
  RateLimited: "rate_limited",
  TooManyConnections: "too_many_connections",
  // Who may do what.
  Unauthorized: "unauthorized",
  Forbidden: "forbidden",
  /** Another writer changed a field the change would change after the version `If-Match` named (fieldMerge.ts). */
  VersionMismatch: "version_mismatch",
  /** The list holds as many items, or as much text, as a list may (`LIST_MAX_ITEMS`, `LIST_MAX_BYTES`). */
  ListFull: "list_full",
  /** The item saved with this Idempotency-Key was removed since. */
  ItemRemoved: "item_removed",
  // Routing and transport.
  NotFound: "not_found",
  MethodNotAllowed: "method_not_allowed",
  UpgradeRequired: "upgrade_required",
  ForbiddenOrigin: "forbidden_origin",
  // WebSocket frames.
  InvalidFrame: "invalid_frame",
  UnknownFrameType: "unknown_frame_type",
  BinaryFrame: "binary_frame",
  AckOutOfRange: "ack_out_of_range",
  // Ours.
  /** An object the request needs cannot be reached right now (`503` with `Retry-After`): try again. */
  Unavailable: "unavailable",
  Internal: "internal_error",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const error: unknown = (value as { error?: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/**
 * The answer to a change refused because another writer changed the same
 * field (`412`): the fields that collided, and the item as it is now, so the
 * client can show both and let the person choose without another request.
 */
export interface VersionMismatchBody {
  error: { code: typeof ErrorCode.VersionMismatch; message: string; fields: ChangeField[] };
  item: Item;
}

export function versionMismatchBody(message: string, fields: ChangeField[], item: Item): VersionMismatchBody {
  return { error: { code: ErrorCode.VersionMismatch, message, fields }, item };
}

function isChangeField(value: unknown): value is ChangeField {
  return CHANGE_FIELDS.some((field) => field === value);
}

export function isVersionMismatchBody(value: unknown): value is VersionMismatchBody {
  // The code as a literal (checked against ErrorCode by its type): the page reads this, and the table would cost its script 350 bytes.
  if (!isErrorBody(value) || value.error.code !== "version_mismatch") return false;
  const fields: unknown = (value.error as { fields?: unknown }).fields;
  return Array.isArray(fields) && fields.every(isChangeField) && isItem((value as { item?: unknown }).item);
}
