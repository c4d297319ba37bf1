import { describe, expect, it } from "vitest";
import { afterCollision, afterRejection, asPatch, changedFields } from "../../../src/client/core/changeRefusals";
import type { PendingChange } from "../../../src/client/core/outbox";
import type { ItemPatch } from "../../../src/protocol/item";
import { item } from "../frames";

const target = { itemId: "item-1" };
const edit = (key: string, patch: ItemPatch, ifMatch = 1): PendingChange => ({ kind: "edit", key, target, patch, ifMatch, madeAt: 0 });
const removal = (key: string): PendingChange => ({ kind: "remove", key, target, ifMatch: 1, madeAt: 0 });

describe("what an edit sends", () => {
  it("only the fields the person changed in the dialog, against what it opened with", () => {
    expect(changedFields({ title: "Rice", body: "long grain" }, { title: "Rice 1 kg", body: "long grain" })).toEqual({ title: "Rice 1 kg" });
    expect(changedFields({ title: "Cheese", body: "" }, { title: "Cheese", body: "cheddar, mature" })).toEqual({ body: "cheddar, mature" });
    expect(asPatch(changedFields({ title: "Milk", body: "" }, { title: "Milk", body: "" }))).toBeNull();
  });
});

describe("a collision (412) on some fields", () => {
  const now = { ...item(1, 4), title: "Rice (theirs)", body: "basmati", done: true };

  it("takes the collided fields out of the refused change and the item's later ones; the person's latest values are handed back", () => {
    const { fates, mine } = afterCollision(
      edit("first", { title: "Rice 1 kg" }),
      [edit("second", { title: "Rice 2 kg" }), edit("tick", { done: false }), edit("both", { title: "Rice 3 kg", body: "brown" })],
      ["title"],
      now,
    );
    expect(mine).toEqual({ title: "Rice 3 kg" });
    expect([...fates]).toEqual([
      ["first", null],
      ["second", null],
      ["both", edit("both", { body: "brown" })],
    ]);
  });

  it("sends the refused change's other fields on as they were", () => {
    const { fates, mine } = afterCollision(edit("edit", { title: "Rice 1 kg", body: "brown" }), [], ["title"], now);
    expect(fates.get("edit")).toEqual(edit("edit", { body: "brown" }));
    expect(mine).toEqual({ title: "Rice 1 kg" });
  });

  it("hands back nothing where the person's value is the one the item holds now", () => {
    const { mine } = afterCollision(edit("tick", { done: true }), [], ["done"], now);
    expect(mine).toEqual({});
  });

  it("a 412 naming none of the refused change's fields takes all of them, so it is never sent again to collide again", () => {
    const { fates, mine } = afterCollision(edit("edit", { title: "Rice 1 kg" }), [], [], now);
    expect(fates.get("edit")).toBeNull();
    expect(mine).toEqual({ title: "Rice 1 kg" });
  });

  it("a removal that collided leaves the item's other changes alone", () => {
    const { fates, mine } = afterCollision(removal("gone"), [edit("tick", { done: true })], ["title"], now);
    expect([...fates]).toEqual([]);
    expect(mine).toEqual({});
  });
});

describe("a refusal for good", () => {
  const later = [edit("tick", { done: true }), edit("text", { body: "b" }), removal("remove")];

  it("of an item that is gone takes all its later changes with it, unsent", () => {
    expect([...afterRejection({ code: "not_found", message: "" }, later).keys()]).toEqual(["tick", "text", "remove"]);
  });

  it("of a key takes the later changes that need one; a tick needs none", () => {
    expect([...afterRejection({ code: "forbidden", message: "" }, later).keys()]).toEqual(["text", "remove"]);
  });

  it("of anything else leaves the later changes to be tried on their own", () => {
    expect(afterRejection({ code: "list_full", message: "" }, later).size).toBe(0);
  });
});
