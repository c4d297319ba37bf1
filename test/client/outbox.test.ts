import { beforeEach, describe, expect, it } from "vitest";
import {
  Outbox,
  OUTBOX_STORAGE_KEY,
  outboxStorageKey,
  type PendingSave,
  type PostOutcome,
} from "../../src/client/outbox";
import type { Item } from "../../src/protocol/item";
import { ManualScheduler } from "./manualScheduler";
import { MemoryStore } from "./memoryStore";

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
  return { id: `id-${n}`, title: "t", body: "b", createdAt: new Date(0).toISOString(), version: 1, updatedAt: null };
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
