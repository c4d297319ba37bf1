/**
 * How a change merges with what happened since it was made (protocol 5,
 * docs/PROTOCOL.md "Editing and removing items"). The server keeps, for each
 * field of an item, the version at which the field last changed and the
 * writer of that change. A change made on version N (`If-Match: "N"`) is
 * refused only for the fields it would change that another writer changed
 * after N; everything else applies, one change and one version at a time, in
 * server order. So a tick and a title edit made on the same version both land,
 * and one browser's queued changes never collide with each other. Pure, so the
 * rule is tested in plain Node and reads as the document says it.
 */
import { CHANGE_FIELDS, type ChangeField, type ExpectedVersion, type Item, type ItemPatch } from "./item";

/** When a field last changed, and by whom: null for no named writer (an API client, or an item from before protocol 5). */
export interface FieldStamp {
  version: number;
  writer: string | null;
}

export type FieldStamps = Record<ChangeField, FieldStamp>;

export type ChangeVerdict =
  /** Every field it names already holds its value: answered with the item as it is, changing nothing. */
  | { kind: "unchanged" }
  /** The fields that change, in one new version. */
  | { kind: "apply"; fields: ChangeField[] }
  /** Refused (`412`): the fields it would change that another writer changed after its version. */
  | { kind: "conflict"; fields: ChangeField[] };

/** A new item: every field changed at version 1, by the writer who saved it. */
export function stampsAtCreation(writer: string | null): FieldStamps {
  return { title: { version: 1, writer }, body: { version: 1, writer }, done: { version: 1, writer } };
}

/** An item no stamp was kept for (saved before protocol 5): every field as at its current version, by nobody. */
export function stampsOfOlderItem(version: number): FieldStamps {
  return { title: { version, writer: null }, body: { version, writer: null }, done: { version, writer: null } };
}

/** The fields of `item` that `patch` would change (a field it names with the value it holds already is no change). */
export function fieldsChanging(item: Item, patch: ItemPatch): ChangeField[] {
  return CHANGE_FIELDS.filter((field) => patch[field] !== undefined && patch[field] !== item[field]);
}

/** Whether a writer other than `writer` changed the field after `expected`; an absent writer matches nobody, itself included. */
function changedByOtherSince(stamp: FieldStamp, expected: number, writer: string | null): boolean {
  return stamp.version > expected && (writer === null || stamp.writer !== writer);
}

/**
 * What becomes of `patch`, made by `writer` on version `expected`, given the
 * item and its stamps as they are now.
 *
 * @example
 * // Title and done at version 1; B ticked at version 2. A edits the title it saw at version 1:
 * judgeChange(item, { title: { version: 1, writer: "A" }, body: …, done: { version: 2, writer: "B" } }, { title: "Milk (2 l)" }, 1, "A")
 * // { kind: "apply", fields: ["title"] }
 */
export function judgeChange(item: Item, stamps: FieldStamps, patch: ItemPatch, expected: ExpectedVersion, writer: string | null): ChangeVerdict {
  const changing = fieldsChanging(item, patch);
  if (changing.length === 0) return { kind: "unchanged" };
  const conflicting = expected === null ? [] : changing.filter((field) => changedByOtherSince(stamps[field], expected, writer));
  return conflicting.length > 0 ? { kind: "conflict", fields: conflicting } : { kind: "apply", fields: changing };
}

/** The fields that stand in the way of removing, by `writer` on version `expected`: any another writer changed after it. */
export function removalConflicts(stamps: FieldStamps, expected: ExpectedVersion, writer: string | null): ChangeField[] {
  if (expected === null) return [];
  return CHANGE_FIELDS.filter((field) => changedByOtherSince(stamps[field], expected, writer));
}

/** The stamps once `fields` changed at `version` by `writer`; the others keep theirs. */
export function stampsAfter(stamps: FieldStamps, fields: readonly ChangeField[], version: number, writer: string | null): FieldStamps {
  const after = { ...stamps };
  for (const field of fields) after[field] = { version, writer };
  return after;
}
