/**
 * The server's answer to a save, edit or removal, sorted at the boundary: a
 * success (with the item and edit key it carries, if readable), a refusal
 * that is final, or trouble worth retrying (timeouts, rate limits, server
 * errors) with how long the server asked us to wait.
 */
import { isErrorBody, type ErrorBody } from "../../protocol/errors";
import { isItem, type Item } from "../../protocol/item";

/** A request with no answer by then is sent again: a half-dead connection must not hold the queue. */
export const SEND_TIMEOUT_MS = 15_000;

export interface RetryOutcome {
  kind: "retry";
  /** The server's `Retry-After`, when it gave one. */
  afterMs?: number;
}

export type Answer =
  | { kind: "ok"; item: Item | null; editKey: string | null }
  | { kind: "rejected"; status: number; error: ErrorBody["error"] }
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
    return afterMs === undefined ? { kind: "retry" } : { kind: "retry", afterMs };
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
  return { kind: "rejected", status, error };
}
