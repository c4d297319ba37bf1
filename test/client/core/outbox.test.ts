import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  Outbox,
  OUTBOX_STORAGE_KEY,
  outboxStorageKey,
  type ChangeOutcome,
  type ChangeTarget,
  type PendingChange,
  type PendingSave,
  type PostOutcome,
} from "../../../src/client/core/outbox";
import type { Item, ItemPatch } from "../../../src/protocol/item";
import { ManualScheduler } from "../manualScheduler";
import { MemoryStore } from "../memoryStore";

let scheduler: ManualScheduler;
let store: MemoryStore;
let answers: PostOutcome[];
let posted: PendingSave[];
let saved: string[];
let rejected: string[];
/** Wakes whoever waits for the next save the outbox reports done (saved or refused). */
let reported: () => void;

function outbox(): Outbox {
  return new Outbox({
    store,
    scheduler,
    post: async (save) => {
      posted.push(save);
      const answer = answers.shift();
      if (!answer) throw new TypeError("Failed to fetch");
      return answer;
    },
    onChange: () => undefined,
    onSaved: (save) => {
      saved.push(save.key);
      reported();
    },
    onRejected: (save) => {
      rejected.push(save.key);
      reported();
    },
  });
}

function stored(n: number): Item {
  return { id: `id-${n}`, title: "t", body: "b", createdAt: new Date(0).toISOString(), version: 1, updatedAt: null, done: false, doneAt: null };
}

/** Resolves when the outbox next reports a save as done. */
function nextReport(): Promise<void> {
  return new Promise((resolve) => (reported = resolve));
}

beforeEach(() => {
  scheduler = new ManualScheduler();
  store = new MemoryStore();
  answers = [];
  posted = [];
  saved = [];
  rejected = [];
  reported = () => undefined;
});

describe("Outbox", () => {
  it("sends a save once when the server takes it, and forgets it", async () => {
    answers.push({ kind: "saved", item: stored(1) });
    const box = outbox();
    const done = nextReport();
    box.add({ title: "t", body: "b" }, "key-1");
    await done;
    expect(posted.map((save) => save.key)).toEqual(["key-1"]);
    expect(saved).toEqual(["key-1"]);
    expect(box.pending()).toEqual([]);
  });

  it("retries a save that failed for network reasons with the same key until it goes through", async () => {
    answers.push({ kind: "retry" });
    const box = outbox();
    box.add({ title: "t", body: "b" }, "key-1");
    await scheduler.whenTimerPending(); // the first answer said retry
    scheduler.advance(60_000);
    await scheduler.whenTimerPending(); // the network failed
    expect(box.pending().map((save) => save.key)).toEqual(["key-1"]);
    answers.push({ kind: "saved", item: stored(1) });
    const done = nextReport();
    scheduler.advance(60_000);
    await done;
    expect(posted.map((save) => save.key)).toEqual(["key-1", "key-1", "key-1"]);
    expect(saved).toEqual(["key-1"]);
    expect(box.pending()).toEqual([]);
    expect(scheduler.pendingTimers()).toBe(0);
  });

  it("keeps unsent saves across a reload and sends them, in order, when asked", async () => {
    const before = outbox();
    before.add({ title: "first", body: "b" }, "key-1");
    before.add({ title: "second", body: "b" }, "key-2");
    await scheduler.whenTimerPending(); // offline: it waits to retry
    expect(JSON.parse(store.getItem(OUTBOX_STORAGE_KEY)!)).toHaveLength(2);

    answers.push({ kind: "saved", item: stored(1) }, { kind: "saved", item: stored(2) });
    const after = outbox();
    expect(after.pending().map((save) => save.title)).toEqual(["first", "second"]);
    await after.flush();
    expect(saved).toEqual(["key-1", "key-2"]);
    expect(after.pending()).toEqual([]);
  });

  it("a held outbox keeps every save queued and sends none, on add, flush or timer", async () => {
    answers.push({ kind: "retry" });
    const box = outbox();
    box.add({ title: "t", body: "b" }, "key-1");
    await scheduler.whenTimerPending(); // the first answer said retry
    box.hold();
    box.add({ title: "t", body: "b" }, "key-2");
    await box.flush();
    scheduler.advance(60_000);
    await box.flush();
    expect(posted.map((save) => save.key)).toEqual(["key-1"]);
    expect(box.pending().map((save) => save.key)).toEqual(["key-1", "key-2"]);
  });

  it("hands a refused save back and goes on with the next", async () => {
    answers.push({ kind: "rejected", error: { code: "invalid_input", message: "no" } }, { kind: "saved", item: stored(2) });
    const box = outbox();
    store.setItem(
      OUTBOX_STORAGE_KEY,
      JSON.stringify([
        { key: "bad", title: "t", body: "b", madeAt: 1 },
        { key: "good", title: "t", body: "b", madeAt: 2 },
      ]),
    );
    await box.flush();
    expect(rejected).toEqual(["bad"]);
    expect(saved).toEqual(["good"]);
  });

  it("ignores a corrupted store instead of failing", () => {
    store.setItem(OUTBOX_STORAGE_KEY, "{not json");
    expect(outbox().pending()).toEqual([]);
    store.setItem(OUTBOX_STORAGE_KEY, JSON.stringify([{ key: 1 }, { key: "k", title: "t", body: "b", madeAt: 0 }]));
    expect(outbox().pending().map((save) => save.key)).toEqual(["k"]);
  });
});

describe("one queue per list", () => {
  /** An outbox posting to `listId`, recording which list each post went to. */
  function outboxFor(listId: string | undefined, postedTo: string[]): Outbox {
    return new Outbox({
      store,
      listId,
      scheduler,
      post: async (save) => {
        postedTo.push(`${listId ?? "default"}:${save.key}`);
        return { kind: "saved", item: stored(postedTo.length) };
      },
      onChange: () => undefined,
      onSaved: () => undefined,
      onRejected: () => undefined,
    });
  }

  it("a save made on one list is only ever sent to that list, even when both share a store", async () => {
    const postedTo: string[] = [];
    const offline: PostOutcome[] = [];
    // List A is offline: its save waits in the store.
    const a = new Outbox({
      store,
      listId: "list-a-0123456789abcd",
      scheduler,
      post: async () => offline.shift() ?? { kind: "retry" },
      onChange: () => undefined,
      onSaved: () => undefined,
      onRejected: () => undefined,
    });
    a.add({ title: "for A", body: "b" }, "key-a");
    await scheduler.whenTimerPending(); // offline: it waits to retry

    const b = outboxFor("list-b-0123456789abcd", postedTo);
    expect(b.pending()).toEqual([]);
    b.add({ title: "for B", body: "b" }, "key-b");
    await b.flush();
    expect(postedTo).toEqual(["list-b-0123456789abcd:key-b"]);
    expect(a.pending().map((save) => save.key)).toEqual(["key-a"]);

    const main = outboxFor("main", postedTo);
    await main.flush();
    expect(postedTo).toEqual(["list-b-0123456789abcd:key-b"]);
  });

  it("the default list keeps the key it had before there were lists, so saves waiting there still go out", async () => {
    expect(outboxStorageKey("main")).toBe(OUTBOX_STORAGE_KEY);
    store.setItem(OUTBOX_STORAGE_KEY, JSON.stringify([{ key: "old", title: "t", body: "b", madeAt: 1 }]));
    const postedTo: string[] = [];
    await outboxFor("main", postedTo).flush();
    await outboxFor(undefined, postedTo).flush();
    expect(postedTo).toEqual(["main:old"]);
  });

  it("other lists' keys are their own, and differ from the default list's", () => {
    const keys = ["main", "list-a-0123456789abcd", "list-b-0123456789abcd"].map(outboxStorageKey);
    expect(new Set(keys).size).toBe(3);
  });
});

describe("Outbox: edits and removals", () => {
  let sent: string[];
  let changeAnswers: ChangeOutcome[];
  let done: string[];
  let refused: string[];
  let collided: string[];
  let held: (number | null)[];
  /** What each edit sent named, and its If-Match, in order. */
  let patches: string[];

  function changeBox(): Outbox {
    return new Outbox({
      store,
      scheduler,
      post: async (save) => {
        sent.push(`save ${save.key}`);
        const answer = answers.shift();
        if (!answer) throw new TypeError("Failed to fetch");
        return answer;
      },
      send: async (change, itemId) => {
        sent.push(`${change.kind} ${itemId}`);
        if (change.kind === "edit") patches.push(`${JSON.stringify(change.patch)} @${change.ifMatch}`);
        const answer = changeAnswers.shift();
        if (!answer) throw new TypeError("Failed to fetch");
        return answer;
      },
      onChange: () => undefined,
      onSaved: (save, item, editKey) => void saved.push(`${save.key}→${item.id} key ${editKey}`),
      onRejected: (save) => void rejected.push(save.key),
      onChangeDone: (change) => void done.push(change.key),
      onChangeRejected: (change, error) => {
        refused.push(`${change.key}: ${error.code}`);
        reported();
      },
      onChangeCollided: (change, collision, mine) => void collided.push(`${change.key} on ${collision.fields.join()}: ${JSON.stringify(mine)}`),
      onHeld: (until) => void held.push(until),
    });
  }


  function edit(key: string, target: ChangeTarget, ifMatch: number | null = 1): PendingChange {
    return { kind: "edit", key, target, patch: { title: "new", body: "b" }, ifMatch, madeAt: 0 };
  }

  beforeEach(() => {
    sent = [];
    changeAnswers = [];
    done = [];
    refused = [];
    collided = [];
    held = [];
    patches = [];
  });

  it("an edit and a removal of a save still queued wait for the save, then go out for the item it made, in order", async () => {
    answers.push({ kind: "saved", item: stored(7), editKey: "k".repeat(43) });
    changeAnswers.push({ kind: "done", item: stored(7) }, { kind: "done", item: null });
    const box = changeBox();
    store.setItem(OUTBOX_STORAGE_KEY, JSON.stringify([{ key: "save-1", title: "t", body: "b", madeAt: 1 }]));
    box.change(edit("edit-1", { saveKey: "save-1" }));
    box.change({ kind: "remove", key: "remove-1", target: { saveKey: "save-1" }, madeAt: 2 });
    await vi.waitFor(() => expect(done).toHaveLength(2));
    expect(sent).toEqual(["save save-1", "edit id-7", "remove id-7"]);
    expect(saved).toEqual([`save-1→id-7 key ${"k".repeat(43)}`]);
    expect(done).toEqual(["edit-1", "remove-1"]);
    expect(box.changes()).toEqual([]);
  });

  it("keeps edits and removals across a reload, and sends each once the network is back", async () => {
    const before = changeBox();
    before.change(edit("edit-1", { itemId: "id-1" }));
    before.change({ kind: "remove", key: "remove-2", target: { itemId: "id-2" }, madeAt: 0 });
    await scheduler.whenTimerPending(); // offline: it waits to retry
    expect(sent).toEqual(["edit id-1"]);

    changeAnswers.push({ kind: "done", item: stored(1) }, { kind: "done", item: null });
    const after = changeBox();
    expect(after.changes().map((change) => change.key)).toEqual(["edit-1", "remove-2"]);
    await after.flush();
    expect(sent).toEqual(["edit id-1", "edit id-1", "remove id-2"]);
    expect(done).toEqual(["edit-1", "remove-2"]);
    expect(after.changes()).toEqual([]);
  });

  it("waits out the server's Retry-After, even when the page asks for a flush", async () => {
    changeAnswers.push({ kind: "retry", afterMs: 60_000 });
    const box = changeBox();
    box.change(edit("edit-1", { itemId: "id-1" }));
    await scheduler.whenTimerPending();
    scheduler.advance(59_000);
    await box.flush(); // back online, say
    expect(sent).toEqual(["edit id-1"]);
    changeAnswers.push({ kind: "done", item: stored(1) });
    scheduler.advance(1_000);
    await vi.waitFor(() => expect(done).toEqual(["edit-1"]));
    expect(sent).toEqual(["edit id-1", "edit id-1"]);
  });

  it("a refused change is final: reported once, never retried, and the next one goes on", async () => {
    changeAnswers.push(
      { kind: "rejected", error: { code: "version_mismatch", message: "the item is at version 3" } },
      { kind: "rejected", error: { code: "not_found", message: "no such item" } },
      { kind: "done", item: null },
    );
    const box = changeBox();
    box.hold();
    box.change(edit("stale", { itemId: "id-1" }, 2));
    box.change(edit("gone", { itemId: "id-2" }));
    box.change({ kind: "remove", key: "remove-3", target: { itemId: "id-3" }, madeAt: 0 });
    expect(sent).toEqual([]);
    const again = changeBox();
    await again.flush();
    expect(refused).toEqual(["stale: version_mismatch", "gone: not_found"]);
    expect(done).toEqual(["remove-3"]);
    expect(sent).toEqual(["edit id-1", "edit id-2", "remove id-3"]);
    expect(scheduler.pendingTimers()).toBe(0);
  });

  it("one person's queued changes of one item go out in order, each with the version they saw, one at a time", async () => {
    const box = changeBox();
    box.hold();
    const change = (key: string, patch: ItemPatch): PendingChange => ({ kind: "edit", key, target: { itemId: "id-1" }, patch, ifMatch: 1, madeAt: 0 });
    box.change(change("tick", { done: true }));
    box.change(change("body", { body: "cheddar, mature" }));
    box.change(change("title", { title: "Rice 1 kg" }));
    box.change(change("again", { title: "Rice 2 kg" }));
    changeAnswers.push(...[2, 3, 4, 5].map((version) => ({ kind: "done" as const, item: stored(version) })));
    await changeBox().flush();
    expect(patches).toEqual(['{"done":true} @1', '{"body":"cheddar, mature"} @1', '{"title":"Rice 1 kg"} @1', '{"title":"Rice 2 kg"} @1']);
    expect(done).toEqual(["tick", "body", "title", "again"]);
    expect(collided).toEqual([]);
  });

  it("a collision is handed to the page once with the person's latest text; their other fields and changes go on, in order", async () => {
    const theirs: Item = { ...stored(1), title: "Butter (salted)", version: 3 };
    changeAnswers.push(
      { kind: "collided", collision: { fields: ["title"], item: theirs } },
      { kind: "done", item: { ...theirs, body: "250 g", version: 4 } },
      { kind: "done", item: { ...theirs, done: true, version: 5 } },
    );
    const box = changeBox();
    box.hold();
    const change = (key: string, patch: ItemPatch): PendingChange => ({ kind: "edit", key, target: { itemId: "id-1" }, patch, ifMatch: 1, madeAt: 0 });
    box.change(change("edit", { title: "Butter 250 g", body: "250 g" }));
    box.change(change("tick", { done: true }));
    box.change(change("again", { title: "Butter, 250 g" }));
    await changeBox().flush();
    expect(collided).toEqual(['edit on title: {"title":"Butter, 250 g"}']);
    expect(patches).toEqual(['{"title":"Butter 250 g","body":"250 g"} @1', '{"body":"250 g"} @1', '{"done":true} @1']);
    expect(done).toEqual(["edit", "tick"]);
    expect(box.changes()).toEqual([]);
  });

  it("a change refused for good is reported once: the item's later changes that would fail alike leave unsent, and other items' go on", async () => {
    changeAnswers.push({ kind: "rejected", error: { code: "not_found", message: "no such item" } }, { kind: "done", item: stored(2) });
    const box = changeBox();
    box.hold();
    box.change(edit("gone-1", { itemId: "id-1" }));
    box.change({ kind: "edit", key: "gone-2", target: { itemId: "id-1" }, patch: { done: true }, ifMatch: 1, madeAt: 0 });
    box.change(edit("other", { itemId: "id-2" }));
    await changeBox().flush();
    expect(refused).toEqual(["gone-1: not_found"]);
    expect(sent).toEqual(["edit id-1", "edit id-2"]);
    expect(done).toEqual(["other"]);
    expect(box.changes()).toEqual([]);
  });

  it("says until when the server's rate limit holds the queue, and that it is over once a change goes through", async () => {
    changeAnswers.push({ kind: "retry", afterMs: 40_000, limited: true });
    const box = changeBox();
    box.change(edit("edit-1", { itemId: "id-1" }));
    await scheduler.whenTimerPending();
    expect(held).toEqual([scheduler.now() + 40_000]);
    changeAnswers.push({ kind: "done", item: stored(1) });
    scheduler.advance(40_000);
    await vi.waitFor(() => expect(done).toEqual(["edit-1"]));
    expect(held).toEqual([expect.any(Number), null]);
  });

  it("a change for a save the server refused is refused too, since there is no item", async () => {
    answers.push({ kind: "rejected", error: { code: "invalid_input", message: "no" } });
    const box = changeBox();
    store.setItem(OUTBOX_STORAGE_KEY, JSON.stringify([{ key: "save-1", title: "t", body: "b", madeAt: 1 }]));
    box.hold();
    box.change(edit("edit-1", { saveKey: "save-1" }));
    await changeBox().flush();
    expect(rejected).toEqual(["save-1"]);
    expect(refused).toEqual(["edit-1: not_found"]);
    expect(sent).toEqual(["save save-1"]);
  });

  it("a replayed save whose item was removed since is done, and nothing else is reported", async () => {
    answers.push({ kind: "removed" });
    const box = changeBox();
    box.add({ title: "t", body: "b" }, "save-1");
    await box.flush();
    await vi.waitFor(() => expect(box.pending()).toEqual([]));
    expect(saved).toEqual([]);
    expect(rejected).toEqual([]);
  });

  it("reads entries written before there were edits as saves, and skips malformed changes", () => {
    store.setItem(
      OUTBOX_STORAGE_KEY,
      JSON.stringify([
        { key: "old", title: "t", body: "b", madeAt: 1 },
        { kind: "edit", key: "no-target", patch: { title: "x" }, ifMatch: null, madeAt: 2 },
        { kind: "remove", key: "ok", target: { itemId: "id-1" }, madeAt: 3 },
        { kind: "rename", key: "unknown", target: { itemId: "id-1" }, madeAt: 4 },
      ]),
    );
    const box = changeBox();
    expect(box.pending().map((save) => save.key)).toEqual(["old"]);
    expect(box.changes().map((change) => change.key)).toEqual(["ok"]);
  });
});
