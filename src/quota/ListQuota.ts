/**
 * How many lists one client may create: `LISTS_PER_HOUR` per address group
 * (clientAddress.ts) in any sliding hour. The Rate Limiting binding behind the
 * other per-address limits counts only 10 s or 60 s windows
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/),
 * so the hour is counted here: one `ListQuota` object per address group,
 * named by the group, keeps the times of that group's recent creations. It is
 * exact and the same in every location, and a refusal's `Retry-After` is the
 * real wait, until the oldest creation in the window leaves it.
 *
 * The Worker asks before it creates a list (lists.ts); a refusal writes
 * nothing. One alarm, an hour after the newest creation, clears the object's
 * storage, so an address that stops creating lists leaves nothing behind.
 */
import { DurableObject } from "cloudflare:workers";
import { readWholeNumber, type Vars } from "../config/variables";

export type QuotaVars = Vars<"LISTS_PER_HOUR">;

export const LIST_QUOTA_WINDOW_MS = 3_600_000;

/** The one storage key: creation times in ms, oldest first. */
const CREATIONS_KEY = "creations";

/** `LISTS_PER_HOUR`, or a thrown error naming it when it is not a whole number from 1 to 10 000. */
export function readListsPerHour(vars: QuotaVars): number {
  return readWholeNumber("LISTS_PER_HOUR", vars);
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

export interface QuotaPolicy {
  limit: number;
  windowMs: number;
}

/** The creations still in the window that ends at `now`. */
function inWindow(creations: readonly number[], now: number, windowMs: number): number[] {
  return creations.filter((at) => at > now - windowMs);
}

/**
 * Whether one more creation at `now` fits, given the earlier ones (oldest
 * first), and the creation times to keep.
 *
 * @example
 * const policy = { limit: 2, windowMs: 3_600_000 };
 * admitCreation([0, 1_000], 2_000, policy)
 * // { admission: { ok: false, retryAfterMs: 3_598_000 }, creations: [0, 1_000] }
 * admitCreation([0, 1_000], 3_600_000, policy)
 * // { admission: { ok: true }, creations: [1_000, 3_600_000] }
 */
export function admitCreation(
  creations: readonly number[],
  now: number,
  policy: QuotaPolicy,
): { admission: Admission; creations: number[] } {
  const recent = inWindow(creations, now, policy.windowMs);
  if (recent.length < policy.limit) return { admission: { ok: true }, creations: [...recent, now] };
  // After the limit was lowered more than `limit` may be in the window: enough
  // of the oldest must leave for one more to fit.
  const mustLeave = recent[recent.length - policy.limit]!;
  return { admission: { ok: false, retryAfterMs: mustLeave + policy.windowMs - now }, creations: recent };
}

export class ListQuota extends DurableObject {
  /** Records a creation now if `limit` more fit in the last hour; otherwise says how long to wait. */
  async admit(limit: number): Promise<Admission> {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
    const { admission, creations } = admitCreation(kv.get<number[]>(CREATIONS_KEY) ?? [], now, {
      limit,
      windowMs: LIST_QUOTA_WINDOW_MS,
    });
    if (admission.ok) {
      kv.put(CREATIONS_KEY, creations);
      // Moved later by every creation: when it fires, all of them have left the window.
      await this.ctx.storage.setAlarm(now + LIST_QUOTA_WINDOW_MS);
    }
    return admission;
  }

  override async alarm(): Promise<void> {
    const recent = inWindow(this.ctx.storage.kv.get<number[]>(CREATIONS_KEY) ?? [], Date.now(), LIST_QUOTA_WINDOW_MS);
    // Early (a clock that moved back): come again when the newest has left.
    if (recent.length > 0) await this.ctx.storage.setAlarm(recent.at(-1)! + LIST_QUOTA_WINDOW_MS);
    else await this.ctx.storage.deleteAll();
  }
}
