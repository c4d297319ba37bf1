/**
 * What a change the server refused leaves of itself and of the same item's
 * changes queued after it, decided without the DOM. Queued changes keep the
 * version the person saw (`If-Match`): the server never counts one writer's
 * own changes against each other (docs/PROTOCOL.md), so they need no rebase,
 * and keeping the seen version is what lets a real collision be found.
 *
 * - A `412` names the fields another writer changed meanwhile. Those fields
 *   leave the refused change and every later change of the item (which were
 *   made on the same stale view and would collide alike, or worse, land over
 *   a version the person never saw because the card showed their own unsent
 *   text in its place); their latest values are the person's own, handed to
 *   the page to resolve. The other fields go on as they were.
 * - A refusal for good: the item is gone (`404`), so all its later changes
 *   go too; or the key is refused (`403`, `401`), so its later changes that
 *   need one go. Each is reported once, with the change refused first.
 */
import type { ErrorBody } from "../../protocol/errors";
import { CHANGE_FIELDS, type ChangeField, type Item, type ItemPatch, type NewItem } from "../../protocol/item";
import type { PendingChange } from "./outbox";

/** Some fields of an item, as a change names them. */
export type Fields = Partial<Pick<Item, ChangeField>>;

/** What becomes of a queued change, by key: kept as it is (absent), changed, or dropped (null). */
export type Fates = Map<string, PendingChange | null>;

/**
 * The fields the person changed in the edit dialog, against what it opened with.
 *
 * @example
 * changedFields({ title: "Rice", body: "" }, { title: "Rice 1 kg", body: "" }) // { title: "Rice 1 kg" }
 */
export function changedFields(opened: NewItem, saved: NewItem): Fields {
  return {
    ...(saved.title !== opened.title && { title: saved.title }),
    ...(saved.body !== opened.body && { body: saved.body }),
  };
}

/** `fields` as a patch; null when it names none. */
export function asPatch(fields: Fields): ItemPatch | null {
  const { title, body, done } = fields;
  if (title !== undefined) return { ...fields, title };
  if (body !== undefined) return { ...fields, body };
  return done === undefined ? null : { ...fields, done };
}

function namedFields(fields: Fields): ChangeField[] {
  return CHANGE_FIELDS.filter((field) => fields[field] !== undefined);
}

/** `patch` without `fields`: what is left of it, null when nothing is. */
function without(patch: ItemPatch, fields: readonly ChangeField[]): ItemPatch | null {
  const left: Fields = { ...patch };
  for (const field of fields) delete left[field];
  return asPatch(left);
}

/**
 * After a `412` on `collided`: the fates of `refused` and the item's `later`
 * changes, and the person's own values of the collided fields (the latest
 * queued) where they differ from the item as it is now.
 *
 * @example
 * // Offline, the title edited twice; meanwhile another page changed it.
 * afterCollision(edit({ title: "Rice 1 kg" }), [edit({ title: "Rice 2 kg" }), tick], ["title"], now)
 * // fates: both edits dropped, the tick kept; mine: { title: "Rice 2 kg" }
 */
export function afterCollision(
  refused: PendingChange,
  later: readonly PendingChange[],
  collided: readonly ChangeField[],
  now: Item,
): { fates: Fates; mine: Fields } {
  const fates: Fates = new Map();
  const mine: Fields = {};
  for (const change of [refused, ...later]) {
    if (change.kind !== "edit") continue;
    let touched = collided.filter((field) => change.patch[field] !== undefined);
    // A 412 that names none of the refused change's fields: all of them collided (sent again as they are, it would only collide again).
    if (change === refused && touched.length === 0) touched = namedFields(change.patch);
    if (touched.length === 0) continue;
    for (const field of touched) Object.assign(mine, { [field]: change.patch[field] });
    const left = without(change.patch, touched);
    fates.set(change.key, left && { ...change, patch: left });
  }
  for (const field of namedFields(mine)) if (mine[field] === now[field]) delete mine[field];
  return { fates, mine };
}

/**
 * After a refusal for good: which of the item's `later` changes would be
 * refused alike, and so are dropped unsent and unreported.
 *
 * @example
 * afterRejection({ code: "not_found", message: "…" }, [tick, edit]) // both dropped
 */
export function afterRejection(error: ErrorBody["error"], later: readonly PendingChange[]): Fates {
  const gone = error.code === "not_found";
  const keyRefused = error.code === "forbidden" || error.code === "unauthorized";
  const needsKey = (change: PendingChange) => change.kind === "remove" || change.patch.title !== undefined || change.patch.body !== undefined;
  return new Map(later.filter((change) => gone || (keyRefused && needsKey(change))).map((change) => [change.key, null]));
}
