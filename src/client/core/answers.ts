/**
 * The server's answer to a save, edit or removal, sorted at the boundary: a
 * success (with the item and edit key it carries, if readable), a refusal
 * that is final (a `412` with the fields that collided and the item as it
 * is now, when the server says so), or trouble worth retrying (timeouts, rate
 * limits, server errors) with how long the server asked us to wait.
 */
import { isErrorBody, isVersionMismatchBody, type ErrorBody } from "../../protocol/errors";
import { isItem, type ChangeField, type Item } from "../../protocol/item";

/** A request with no answer by then is sent again: a half-dead connection must not hold the queue. */
export const SEND_TIMEOUT_MS = 15_000;

export interface RetryOutcome {
  kind: "retry";
  /** The server's `Retry-After`, when it gave one. */
  afterMs?: number;
  /** A `429`: held back by a rate limit, which the page says (a timeout or a 503 is only retried). */
  limited?: true;
}

/** What a `412` says: which of the fields the change named another writer changed meanwhile, and the item as it is now. */
export interface Collision {
  fields: ChangeField[];
  item: Item;
}

export type Answer =
  | { kind: "ok"; item: Item | null; editKey: string | null }
  | { kind: "rejected"; status: number; error: ErrorBody["error"]; collision?: Collision }
  | RetryOutcome;

/**
 * @example
 * retryAfterMs("60") // 60000
 * retryAfterMs(null) // undefined
 */
export function retryAfterMs(header: string | null): number | undefined {
  const seconds = Number(header ?? NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export async function readAnswer(response: Response, what: string): Promise<Answer> {
  const { status } = response;
  if (status === 408 || status === 429 || status >= 500) {
    const afterMs = retryAfterMs(response.headers.get("retry-after"));
    return { kind: "retry", ...(afterMs !== undefined && { afterMs }), ...(status === 429 && { limited: true }) };
  }
  const body: unknown = status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) {
    const fields = typeof body === "object" && body !== null ? (body as { item?: unknown; editKey?: unknown }) : {};
    return {
      kind: "ok",
      item: isItem(fields.item) ? fields.item : null,
      editKey: typeof fields.editKey === "string" ? fields.editKey : null,
    };
  }
  const error = isErrorBody(body) ? body.error : { code: "invalid_input" as const, message: `the server refused the ${what} (${status})` };
  const collision = isVersionMismatchBody(body) && { fields: body.error.fields, item: body.item };
  return { kind: "rejected", status, error, ...(collision && { collision }) };
}
