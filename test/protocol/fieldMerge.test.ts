import { describe, expect, it } from "vitest";
import {
  judgeChange,
  removalConflicts,
  stampsAfter,
  stampsAtCreation,
  stampsOfOlderItem,
  type ChangeVerdict,
  type FieldStamps,
} from "../../src/protocol/fieldMerge";
import type { ExpectedVersion, Item, ItemPatch } from "../../src/protocol/item";

const MILK: Item = {
  id: "k1-0000000000000001",
  title: "Milk",
  body: "",
  createdAt: "2026-12-01T10:00:00.000Z",
  version: 1,
  updatedAt: null,
  done: false,
  doneAt: null,
};

/** An item and its stamps, changed as the server changes them: a verdict of "apply" makes one new version. */
class Story {
  item: Item;
  stamps: FieldStamps;

  constructor(item: Item = MILK, stamps: FieldStamps = stampsAtCreation("A")) {
    this.item = item;
    this.stamps = stamps;
  }

  change(patch: ItemPatch, expected: ExpectedVersion, writer: string | null): ChangeVerdict {
    const verdict = judgeChange(this.item, this.stamps, patch, expected, writer);
    if (verdict.kind === "apply") {
      const version = this.item.version + 1;
      this.item = { ...this.item, ...patch, version };
      this.stamps = stampsAfter(this.stamps, verdict.fields, version, writer);
    }
    return verdict;
  }
}

describe("a change made on version N", () => {
  it("a tick and a title edit made on the same version by two writers both land, one version each", () => {
    const story = new Story();
    expect(story.change({ done: true }, 1, "B")).toEqual({ kind: "apply", fields: ["done"] });
    expect(story.change({ title: "Milk (2 litres)" }, 1, "A")).toEqual({ kind: "apply", fields: ["title"] });
    expect(story.item).toMatchObject({ title: "Milk (2 litres)", done: true, version: 3 });
    expect(story.stamps).toEqual({ title: { version: 3, writer: "A" }, body: { version: 1, writer: "A" }, done: { version: 2, writer: "B" } });
  });

  it("one writer's queued changes, each sent with the version it was made on, never collide with each other", () => {
    const story = new Story();
    // Offline: tick, then edit the body, both on version 1; edit the title twice, both on version 1.
    expect(story.change({ done: true }, 1, "A").kind).toBe("apply");
    expect(story.change({ body: "cheddar, mature" }, 1, "A").kind).toBe("apply");
    expect(story.change({ title: "Rice 1 kg" }, 1, "A").kind).toBe("apply");
    expect(story.change({ title: "Rice 2 kg" }, 1, "A").kind).toBe("apply");
    expect(story.item).toMatchObject({ title: "Rice 2 kg", body: "cheddar, mature", done: true, version: 5 });
  });

  it("the same field changed by two writers on the same version: the second is refused, naming that field", () => {
    const story = new Story();
    expect(story.change({ title: "Milk (1 l)" }, 1, "A").kind).toBe("apply");
    expect(story.change({ title: "Oat milk", done: true }, 1, "B")).toEqual({ kind: "conflict", fields: ["title"] });
    expect(story.item).toMatchObject({ title: "Milk (1 l)", done: false, version: 2 });
    // Made again on the version it was refused at, it applies: the person chose.
    expect(story.change({ title: "Oat milk", done: true }, 2, "B")).toEqual({ kind: "apply", fields: ["title", "done"] });
  });

  it("a field another writer changed after N is refused even when this writer changed it later too", () => {
    const story = new Story();
    expect(story.change({ title: "one" }, 1, "A").kind).toBe("apply"); // v2 by A
    expect(story.change({ title: "two" }, 2, "B").kind).toBe("apply"); // v3 by B, who saw v2
    expect(story.change({ title: "three" }, 1, "A")).toEqual({ kind: "conflict", fields: ["title"] });
  });

  it("an absent writer matches nobody, itself included", () => {
    const story = new Story(MILK, stampsAtCreation(null));
    expect(story.change({ title: "one" }, 1, null).kind).toBe("apply"); // v2 by nobody
    expect(story.change({ title: "two" }, 1, null)).toEqual({ kind: "conflict", fields: ["title"] });
    expect(story.change({ title: "two" }, 1, "A")).toEqual({ kind: "conflict", fields: ["title"] });
    // A named writer's change is another writer's for a request with none.
    expect(story.change({ body: "b" }, 2, "A").kind).toBe("apply"); // v3 by A
    expect(story.change({ body: "c" }, 2, null)).toEqual({ kind: "conflict", fields: ["body"] });
    // Other fields still merge.
    expect(story.change({ done: true }, 1, null).kind).toBe("apply");
  });

  it("a change that changes nothing is no change, whatever its version, and leaves the stamps alone", () => {
    const story = new Story();
    expect(story.change({ title: "Milk 2" }, 1, "B").kind).toBe("apply");
    const before = story.stamps;
    expect(story.change({ title: "Milk 2" }, 1, "C")).toEqual({ kind: "unchanged" });
    expect(story.change({ done: false, body: "" }, 1, null)).toEqual({ kind: "unchanged" });
    expect(story.stamps).toBe(before);
    // Only the fields that would change are judged: the title already says so, the tick is new.
    expect(story.change({ title: "Milk 2", done: true }, 1, "C")).toEqual({ kind: "apply", fields: ["done"] });
  });

  it("without If-Match a change applies, last change wins", () => {
    const story = new Story();
    expect(story.change({ title: "one" }, 1, "A").kind).toBe("apply");
    expect(story.change({ title: "two" }, null, "B")).toEqual({ kind: "apply", fields: ["title"] });
    expect(story.change({ title: "three" }, null, null)).toEqual({ kind: "apply", fields: ["title"] });
  });

  it("an item from before protocol 5 reads every field at its version by nobody: its first change is judged as protocol 4 did", () => {
    const older = { ...MILK, version: 4, done: true };
    expect(judgeChange(older, stampsOfOlderItem(4), { title: "x" }, 3, "A")).toEqual({ kind: "conflict", fields: ["title"] });
    expect(judgeChange(older, stampsOfOlderItem(4), { done: false }, 3, "A")).toEqual({ kind: "conflict", fields: ["done"] });
    expect(judgeChange(older, stampsOfOlderItem(4), { title: "x" }, 4, "A")).toEqual({ kind: "apply", fields: ["title"] });
    // After that change the others keep the version they were read at.
    expect(stampsAfter(stampsOfOlderItem(4), ["title"], 5, "A")).toEqual({
      title: { version: 5, writer: "A" },
      body: { version: 4, writer: null },
      done: { version: 4, writer: null },
    });
  });

  it("a version above the item's is no older than any field: nothing changed after it", () => {
    expect(judgeChange(MILK, stampsAtCreation("A"), { title: "x" }, 9, "B")).toEqual({ kind: "apply", fields: ["title"] });
  });
});

describe("a removal made on version N", () => {
  it("is refused when another writer changed any field after N, naming each", () => {
    const story = new Story();
    story.change({ done: true }, 1, "B");
    story.change({ body: "two litres" }, 2, "C");
    expect(removalConflicts(story.stamps, 1, "A")).toEqual(["body", "done"]);
    expect(removalConflicts(story.stamps, 2, "A")).toEqual(["body"]);
    expect(removalConflicts(story.stamps, 3, "A")).toEqual([]);
  });

  it("goes ahead after this writer's own changes, and always without If-Match", () => {
    const story = new Story();
    story.change({ done: true }, 1, "A");
    story.change({ title: "Milk (done)" }, 1, "A");
    expect(removalConflicts(story.stamps, 1, "A")).toEqual([]);
    expect(removalConflicts(story.stamps, 1, "B")).toEqual(["title", "done"]);
    expect(removalConflicts(story.stamps, 1, null)).toEqual(["title", "done"]);
    expect(removalConflicts(story.stamps, null, "B")).toEqual([]);
  });
});
