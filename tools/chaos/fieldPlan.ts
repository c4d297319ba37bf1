/**
 * Issue 30's part of the fault phase: field writers (fieldWriter.ts), each a
 * browser of its own, edit titles and bodies and tick items concurrently,
 * some of them offline for a while. Their items are their own: each is saved
 * by one field writer and changed by a team of one to three of them, so some
 * items have a writer alone (who must never be refused) and others have
 * writers whose changes of different fields must merge and whose changes of
 * the same field may collide. What happens, to which item and by whom comes
 * from the seeded stream; when is wall time.
 */
import type { ItemPatch } from "../../src/protocol/item";
import type { RunConfig } from "./config";
import { FieldWriter } from "./fieldWriter";
import type { History, SaveRecord } from "./history";
import type { Prng } from "./random";
import { delay } from "../harness/wait";

/** Field changes are made over this part of the phase, after the items are saved and before settling. */
const CHANGE_WINDOW = [0.05, 0.85] as const;
/** Offline spells start in this part of the phase, and last this long. */
const OFFLINE_WINDOW = [0.1, 0.75] as const;
const OFFLINE_MS = [2_000, 8_000] as const;
/** This often, a change's first answer is withheld from its writer, which sends it again unchanged. */
const LOSE_FIRST_ANSWER = 0.05;
/** One item in this many has one writer alone; the others two or three. */
const ALONE_EVERY = 3;

export interface FieldCounts {
  fieldWriters: number;
  fieldItems: number;
  fieldItemsAlone: number;
  fieldChangesPlanned: number;
  fieldChangesMadeOffline: number;
  offlineSpells: number;
}

interface FieldItem {
  save: SaveRecord;
  itemId: string;
  team: FieldWriter[];
}

export interface FieldRun {
  writers: FieldWriter[];
  counts: FieldCounts;
  /** The phase's part: saves the items, then makes the changes and the offline spells. */
  run(start: number, deadline: number): Promise<void>;
}

/** A change of some of an item's fields: text unique to the change (a title keeps the save's key in it), `done` either way. */
function patchFor(prng: Prng, item: FieldItem, number: number, writer: FieldWriter): ItemPatch {
  const title = `${item.save.title} · title ${number} by field writer ${writer.index}`;
  const body = `body ${number} by field writer ${writer.index}`;
  const done = prng.chance(0.6);
  const roll = prng.next();
  if (roll < 0.4) return { done };
  if (roll < 0.65) return { title };
  if (roll < 0.85) return { body };
  if (roll < 0.95) return { title, done };
  return { title, body };
}

function shuffled<T>(prng: Prng, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export function planFieldRun(config: RunConfig, itemsUrl: string, ownerKey: string, history: History, prng: Prng): FieldRun {
  const writers = Array.from({ length: config.fieldChanges === 0 ? 0 : config.fieldWriters }, (_, index) => new FieldWriter(index, itemsUrl, ownerKey, history, prng.fork(`field writer ${index}`)));
  const counts: FieldCounts = { fieldWriters: writers.length, fieldItems: 0, fieldItemsAlone: 0, fieldChangesPlanned: 0, fieldChangesMadeOffline: 0, offlineSpells: 0 };

  async function saveItems(deadline: number): Promise<FieldItem[]> {
    const plan = prng.fork("field items");
    const items: FieldItem[] = [];
    for (let number = 0; number < config.fieldItems; number++) {
      const team = shuffled(plan, writers).slice(0, number % ALONE_EVERY === 0 ? 1 : plan.int(2, Math.min(3, writers.length)));
      const save = await team[0]!.create(number, deadline);
      if (save === null) continue;
      items.push({ save, itemId: save.confirmedIds[0]!, team });
      counts.fieldItems++;
      counts.fieldItemsAlone += Number(team.length === 1);
    }
    return items;
  }

  async function makeChanges(items: FieldItem[], start: number, phaseMs: number): Promise<void> {
    if (items.length === 0) return;
    const plan = prng.fork("field changes");
    const times = Array.from({ length: config.fieldChanges }, () => start + phaseMs * plan.between(...CHANGE_WINDOW)).sort((a, b) => a - b);
    for (const [number, at] of times.entries()) {
      const item = plan.pick(items);
      const writer = plan.pick(item.team);
      const patch = patchFor(plan, item, number, writer);
      const loseFirstAnswer = plan.chance(LOSE_FIRST_ANSWER);
      await delay(at - Date.now());
      const change = await writer.make(number, item.itemId, patch, loseFirstAnswer);
      counts.fieldChangesPlanned++;
      counts.fieldChangesMadeOffline += Number(change.madeOffline);
    }
  }

  async function offlineSpells(start: number, phaseMs: number): Promise<void> {
    const plan = prng.fork("offline spells");
    const perWriter = Math.max(1, Math.round(phaseMs / 40_000));
    await Promise.all(
      writers.flatMap((writer) =>
        Array.from({ length: perWriter }, async () => {
          await delay(start + phaseMs * plan.between(...OFFLINE_WINDOW) - Date.now());
          if (!writer.isOnline) return;
          writer.goOffline();
          counts.offlineSpells++;
          await delay(plan.int(...OFFLINE_MS));
          writer.comeOnline();
        }),
      ),
    );
  }

  return {
    writers,
    counts,
    async run(start, deadline) {
      if (writers.length === 0) return;
      const items = await saveItems(deadline);
      await Promise.all([makeChanges(items, start, deadline - start), offlineSpells(start, deadline - start)]);
    },
  };
}
