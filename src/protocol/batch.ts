/**
 * Several items added by one request: `POST /api/items` with
 * `{"items":[{"title","body"?,"done"?}…]}`, 1 to `BATCH_MAX_ITEMS` (limits.ts)
 * lines, stored all or nothing, once per Idempotency-Key
 * (docs/PROTOCOL.md). The first line is the newest item, so the list, which
 * shows newest first, reads in the order the lines were sent.
 */
import { isRecord } from "./guards";
import { isItem, type Item, type NewItem } from "./item";
import { ErrorCode } from "./errors";

/** One line of a batch: an item's text, and whether it is added done. */
export interface NewLine extends NewItem {
  done: boolean;
}

/** The answer to a batch stored (`201`): its items in the order of the lines sent, and each one's edit key at the same index. */
export interface SavedBatchBody {
  items: Item[];
  editKeys: string[];
}

export function isSavedBatchBody(value: unknown): value is SavedBatchBody {
  return (
    isRecord(value) &&
    Array.isArray(value.items) &&
    value.items.every(isItem) &&
    Array.isArray(value.editKeys) &&
    value.editKeys.length === value.items.length &&
    value.editKeys.every((key) => typeof key === "string")
  );
}

/** A batch refused for one of its lines: `line` counts from 1, as the message does. */
export interface BadLineBody {
  error: { code: typeof ErrorCode.InvalidInput; message: string; line: number };
}

export function badLineBody(line: number, problem: string): BadLineBody {
  return { error: { code: ErrorCode.InvalidInput, message: `line ${line}: ${problem}`, line } };
}
