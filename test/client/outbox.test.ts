import { beforeEach, describe, expect, it } from "vitest";
import { Outbox, OUTBOX_STORAGE_KEY, type KeyValueStore, type PendingSave, type PostOutcome } from "../../src/client/outbox";
import type { Item } from "../../src/protocol/item";
import { ManualScheduler } from "./manualScheduler";

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

let scheduler: ManualScheduler;
let store: MemoryStore;
let answers: PostOutcome[];
let posted: PendingSave[];
let saved: string[];
let rejected: string[];

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
    onSaved: (save) => saved.push(save.key),
    onRejected: (save) => rejected.push(save.key),
  });
}

function stored(n: number): Item {
  return { id: `id-${n}`, title: "t", body: "b", createdAt: new Date(0).toISOString() };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

beforeEach(() => {
  scheduler = new ManualScheduler();
  store = new MemoryStore();
  answers = [];
  posted = [];
  saved = [];
  rejected = [];
});

describe("Outbox", () => {
  it("sends a save once when the server takes it, and forgets it", async () => {
    answers.push({ kind: "saved", item: stored(1) });
    const box = outbox();
    box.add({ title: "t", body: "b" }, "key-1");
    await settle();
    expect(posted.map((save) => save.key)).toEqual(["key-1"]);
    expect(saved).toEqual(["key-1"]);
    expect(box.pending()).toEqual([]);
  });

  it("retries a save that failed for network reasons with the same key until it goes through", async () => {
    answers.push({ kind: "retry" });
    const box = outbox();
    box.add({ title: "t", body: "b" }, "key-1");
    await settle();
    scheduler.advance(60_000);
    await settle();
    expect(box.pending().map((save) => save.key)).toEqual(["key-1"]);
    answers.push({ kind: "saved", item: stored(1) });
    scheduler.advance(60_000);
    await settle();
    expect(posted.map((save) => save.key)).toEqual(["key-1", "key-1", "key-1"]);
    expect(saved).toEqual(["key-1"]);
  });

  it("keeps unsent saves across a reload and sends them, in order, when asked", async () => {
    const before = outbox();
    before.add({ title: "first", body: "b" }, "key-1");
    before.add({ title: "second", body: "b" }, "key-2");
    await settle();
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
    await settle();
    box.hold();
    box.add({ title: "t", body: "b" }, "key-2");
    await box.flush();
    scheduler.advance(60_000);
    await settle();
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
