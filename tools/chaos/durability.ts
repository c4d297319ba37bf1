/**
 * Invariant 1 as the run goes: after each restart (and at the end), every
 * save the server had answered 2xx before the kill must be in the list read
 * back through `GET /api/items`, unless it was removed (judged at the end,
 * when every removal's answer is in: checkSaves.ts).
 */
import type { History } from "./history";
import { fetchFullList } from "./serverList";
import type { Item } from "../../src/protocol/item";
import { waitFor } from "../harness/wait";

/** A server that has just answered once may still refuse a moment; longer than that is a finding. */
const LIST_READ_TIMEOUT_MS = 5_000;

/** Keys answered 2xx no later than `cutoff`, with the item id the server named. */
function answeredBy(history: History, cutoff: number): Map<string, string> {
  const answered = new Map<string, string>();
  for (const save of history.saves.values()) {
    for (const attempt of save.attempts) {
      const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
      if (ok && attempt.itemId !== null && attempt.endedAt !== null && attempt.endedAt <= cutoff) {
        answered.set(save.key, attempt.itemId);
        break;
      }
    }
  }
  return answered;
}

export async function checkDurability(history: History, itemsUrl: string, label: string, cutoff: number): Promise<void> {
  const answered = answeredBy(history, cutoff);
  let list: Item[] = [];
  await waitFor(
    async () => {
      try {
        list = await fetchFullList(itemsUrl);
        return true;
      } catch {
        return false;
      }
    },
    { what: `the list to be readable (${label})`, timeoutMs: LIST_READ_TIMEOUT_MS, pollMs: 1_000 },
  );
  const stored = new Set(list.map((item) => item.id));
  const missing = [...answered].filter(([, itemId]) => !stored.has(itemId)).map(([key, itemId]) => ({ key, itemId }));
  history.durability.push({ label, at: Date.now(), keysChecked: answered.size, listSize: list.length, missing });
}
