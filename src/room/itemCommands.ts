/**
 * Saving, editing, ticking and removing items: who may (a tick needs no key), whether the change
 * collides with another writer's since the version the caller saw (src/protocol/fieldMerge.ts: by
 * field), and the one transaction that writes each change to the log. The room delivers each entry as it is written (`record`), before
 * anything is awaited, so entries go out in log order.
 */
import { ErrorCode } from "../protocol/errors";
import { judgeChange, removalConflicts } from "../protocol/fieldMerge";
import { touchesText, type ChangeField, type ExpectedVersion, type Item, type ItemPatch, type NewItem } from "../protocol/item";
import type { LogEntry } from "../shared/logEntry";
import type { Outcome, RoomError } from "../shared/outcome";
import type { EditKeys } from "./editKeys";
import type { ItemStore, StoredItem } from "./itemStore";
import type { ListCeilings } from "./listConfig";
import type { ListMeta } from "./listMeta";
import { overCeiling, textBytes, type ListTotals } from "./listTotals";
import type { SaveLimit } from "./saveLimit";

export interface Saved {
  item: Item;
  editKey: string;
  replayed: boolean;
}

/** Who asks for a change, and what they expect the item to be. */
export interface ChangeRequest {
  itemId: string;
  /** The edit key or the list's owner key, from `Authorization: Bearer`; null when none was sent (enough for a tick). */
  key: string | null;
  expected: ExpectedVersion;
  /** Who makes the change (`Listroom-Writer`: a browser id); absent or null for none, which matches no other writer. */
  writer?: string | null;
  /** The client's address group, for the list-wide ceiling; null if exempt. */
  group: string | null;
}

export interface CommandContext {
  items: ItemStore;
  editKeys: EditKeys;
  meta: ListMeta;
  limits: SaveLimit;
  listId: string;
  listSavesPerMinute: number;
  totals: ListTotals;
  ceilings: ListCeilings;
  /** Writes one log entry at the next position, in a transaction, and delivers it to every open socket. */
  record: (write: (pos: number) => LogEntry) => LogEntry;
}

const notFound = (): RoomError => ({ code: ErrorCode.NotFound, message: "there is no such item on this list" });

export class ItemCommands {
  constructor(private readonly room: CommandContext) {}

  async save(input: NewItem, idempotencyKey: string | null, group: string | null, writer: string | null, now: number): Promise<Outcome<Saved>> {
    const ceiling = this.listCeiling(group, now);
    if (ceiling) return { ok: false, error: ceiling };
    const earlier = idempotencyKey === null ? null : this.room.items.findByIdempotencyKey(idempotencyKey, input);
    if (earlier) {
      const { stored, sameText } = earlier;
      if (stored.item === null) {
        const message = "the item saved with this Idempotency-Key has since been removed";
        return { ok: false, error: { code: ErrorCode.ItemRemoved, message } };
      }
      if (!sameText) {
        const message = "this Idempotency-Key was already used for a different item";
        return { ok: false, error: { code: ErrorCode.IdempotencyKeyReused, message } };
      }
      return { ok: true, value: { item: stored.item, editKey: await this.room.editKeys.keyFor(stored.itemId), replayed: true } };
    }
    const full = overCeiling(this.room.totals.read(), { items: 1, textBytes: textBytes(input) }, this.room.ceilings);
    if (full) return { ok: false, error: full };
    const added = this.room.record((pos) => this.room.items.append(pos, input, idempotencyKey, now, writer));
    const editKey = await this.room.editKeys.keyFor(added.itemId);
    return { ok: true, value: { item: added.item!, editKey, replayed: false } };
  }

  /** An edit, a tick, or both; a tick alone needs no key (anyone who can open the list may tick). */
  async edit(request: ChangeRequest, patch: ItemPatch, now: number): Promise<Outcome<Item>> {
    const found = touchesText(patch) ? await this.authorized(request) : this.find(request.itemId);
    if (!found.ok) return found;
    // Read again: other requests ran while the key was checked.
    const target = this.room.items.at(found.value.pos);
    if (target?.item == null) return { ok: false, error: notFound() };
    const current = target.item;
    const verdict = judgeChange(current, target.stamps, patch, request.expected, request.writer ?? null);
    // A change that is already in place is answered, not refused: repeating an edit or a tick is safe.
    if (verdict.kind === "unchanged") return { ok: true, value: current };
    if (verdict.kind === "conflict") return { ok: false, error: collision(request.expected, verdict.fields, current) };
    const edited = { title: patch.title ?? current.title, body: patch.body ?? current.body };
    const grown = textBytes(edited) - textBytes(current);
    const full = overCeiling(this.room.totals.read(), { items: 0, textBytes: grown }, this.room.ceilings);
    if (full) return { ok: false, error: full };
    const ceiling = this.listCeiling(request.group, now);
    if (ceiling) return { ok: false, error: ceiling };
    const entry = this.room.record((pos) => this.room.items.edit({ ...target, item: current }, patch, verdict.fields, request.writer ?? null, pos, now));
    return { ok: true, value: entry.item! };
  }

  async remove(request: ChangeRequest, now: number): Promise<Outcome<null>> {
    const found = await this.authorized(request);
    if (!found.ok) return found;
    const target = this.room.items.at(found.value.pos);
    if (!target) return { ok: false, error: notFound() };
    if (target.item === null) return { ok: true, value: null };
    const conflicting = removalConflicts(target.stamps, request.expected, request.writer ?? null);
    if (conflicting.length > 0) return { ok: false, error: collision(request.expected, conflicting, target.item) };
    const ceiling = this.listCeiling(request.group, now);
    if (ceiling) return { ok: false, error: ceiling };
    const live = { ...target, item: target.item };
    this.room.record((pos) => this.room.items.remove(live, pos, now));
    return { ok: true, value: null };
  }

  /** The item saved under this id, removed or not. */
  private find(itemId: string): Outcome<StoredItem> {
    const pos = this.room.items.posOf(itemId);
    const stored = pos === null ? null : this.room.items.at(pos);
    return stored ? { ok: true, value: stored } : { ok: false, error: notFound() };
  }

  /** The item, if it exists and the key is its edit key or the list's owner key. */
  private async authorized(request: ChangeRequest): Promise<Outcome<StoredItem>> {
    const found = this.find(request.itemId);
    if (!found.ok) return found;
    const { key } = request;
    const stored = found.value;
    const allowed =
      key !== null &&
      ((await this.room.editKeys.matches(stored.itemId, key)) ||
        (await this.room.meta.checkOwner(this.room.listId, key)) === "owner");
    if (!allowed) {
      const message = "that key is neither this item's edit key nor the list's owner key";
      return { ok: false, error: { code: ErrorCode.Forbidden, message } };
    }
    return { ok: true, value: stored };
  }

  private listCeiling(group: string | null, now: number): RoomError | null {
    const waitMs = this.room.limits.saveDelay(group, now);
    if (waitMs === 0) return null;
    const message = `the list is taking too many changes; the limit is ${this.room.listSavesPerMinute} a minute`;
    return { code: ErrorCode.RateLimited, message, retryAfterMs: waitMs };
  }
}

/** A change refused because another writer changed `fields` after the version it was made on. */
function collision(expected: ExpectedVersion, fields: ChangeField[], item: Item): RoomError {
  const named = fields.join(" and ");
  const message = `another writer changed the ${named} of this item after version ${expected ?? "?"}; it is at version ${item.version} now`;
  return { code: ErrorCode.VersionMismatch, message, conflict: { fields, item } };
}
