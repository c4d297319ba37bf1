/** Several items added at once go through the outbox as one entry (src/client/core/outbox.ts, `PendingBatch`). */
import { beforeEach, describe, expect, it } from "vitest";
import { lineKey, Outbox, type BatchOutcome, type PendingBatch, type PendingSave } from "../../../src/client/core/outbox";
import type { NewLine } from "../../../src/protocol/batch";
import type { Item } from "../../../src/protocol/item";
import { ManualScheduler } from "../manualScheduler";
import { MemoryStore } from "../memoryStore";

let scheduler: ManualScheduler;
let store: MemoryStore;
let answers: BatchOutcome[];
let sent: PendingBatch[];
let events: string[];
let shown: PendingSave[];
let reported: () => void;

const LINES: NewLine[] = [
  { title: "Apples", body: "", done: false },
  { title: "Pears", body: "", done: false },
  { title: "Plums", body: "", done: true },
];

function outbox(): Outbox {
  return new Outbox({
    store,
    scheduler,
    post: () => Promise.reject(new Error("no single saves in these tests")),
    postBatch: async (batch) => {
      sent.push(batch);
      const answer = answers.shift();
      if (!answer) throw new TypeError("Failed to fetch");
      return answer;
    },
    onChange: (pending) => (shown = [...pending]),
    onSaved: () => undefined,
    onRejected: () => undefined,
    onBatchSaved: (batch, items, editKeys) => {
      events.push(`saved ${batch.key}: ${items.map((item) => item.title).join(", ")} with ${editKeys.join(", ")}`);
      reported();
    },
    onBatchRejected: (batch, error) => {
      events.push(`refused ${batch.key}: ${error.code}`);
      reported();
    },
  });
}

function item(title: string, done = false): Item {
  return { id: `id-${title}`, title, body: "", createdAt: new Date(0).toISOString(), version: 1, updatedAt: null, done, doneAt: null };
}

function nextReport(): Promise<void> {
  return new Promise((resolve) => (reported = resolve));
}

beforeEach(() => {
  scheduler = new ManualScheduler();
  store = new MemoryStore();
  answers = [];
  sent = [];
  events = [];
  shown = [];
  reported = () => undefined;
});

describe("a batch in the outbox", () => {
  it("is sent as one request, and the page is told its items and keys before it leaves the queue", async () => {
    answers.push({ kind: "savedAll", items: [item("Apples"), item("Pears"), item("Plums", true)], editKeys: ["k1", "k2", "k3"] });
    const box = outbox();
    const done = nextReport();
    box.addBatch(LINES, "batch-1");
    await done;
    expect(sent.map((batch) => [batch.key, batch.lines])).toEqual([["batch-1", LINES]]);
    expect(events).toEqual(["saved batch-1: Apples, Pears, Plums with k1, k2, k3"]);
    expect(box.pending()).toEqual([]);
  });

  it("shows each line as a save of its own while it waits, the first line where the newest save shows", () => {
    const box = outbox();
    box.add({ title: "earlier", body: "" }, "save-1");
    box.addBatch(LINES, "batch-1");
    const keys = box.pending().map((save) => save.key);
    expect(keys).toEqual(["save-1", lineKey("batch-1", 2), lineKey("batch-1", 1), lineKey("batch-1", 0)]);
    expect(shown.map((save) => save.title)).toEqual(["earlier", "Plums", "Pears", "Apples"]);
  });

  it("survives a reload, and is retried with the same key until the server answers", async () => {
    // Made on a page that went away before sending it.
    const before = outbox();
    before.hold();
    before.addBatch(LINES, "batch-1");
    const reloaded = outbox();
    expect(reloaded.pending().map((save) => save.title)).toEqual(["Plums", "Pears", "Apples"]);
    answers.push({ kind: "retry" }, { kind: "savedAll", items: [item("Apples"), item("Pears"), item("Plums", true)], editKeys: ["k1", "k2", "k3"] });
    const done = nextReport();
    await reloaded.flush();
    await scheduler.whenTimerPending();
    scheduler.advance(60_000);
    await done;
    expect(sent.map((batch) => batch.key)).toEqual(["batch-1", "batch-1"]);
    expect(reloaded.pending()).toEqual([]);
  });

  it("hands a refused batch back whole, and goes on with the next entry", async () => {
    answers.push({ kind: "rejected", error: { code: "list_full", message: "this list is full" } });
    answers.push({ kind: "savedAll", items: [item("one")], editKeys: ["k"] });
    const box = outbox();
    const done = new Promise<void>((resolve) => {
      let reports = 0;
      reported = () => ++reports === 2 && resolve();
    });
    box.addBatch(LINES, "batch-1");
    box.addBatch([{ title: "one", body: "", done: false }], "batch-2");
    await done;
    expect(events).toEqual(["refused batch-1: list_full", "saved batch-2: one with k"]);
    expect(box.pending()).toEqual([]);
  });

  it("can be withdrawn unsent while it waits, but not while it is being sent", async () => {
    const box = outbox();
    box.addBatch(LINES, "batch-1");
    // The first send failed (offline): the batch waits for its retry.
    await scheduler.whenTimerPending();
    expect(box.withdraw("batch-1")).toBe(true);
    expect(box.pending()).toEqual([]);
    expect(shown).toEqual([]);
    expect(box.withdraw("batch-1")).toBe(false);

    let answer: (outcome: BatchOutcome) => void = () => undefined;
    const slow = new Outbox({
      store,
      scheduler,
      post: () => Promise.reject(new Error("unused")),
      postBatch: () => new Promise((resolve) => (answer = resolve)),
      onChange: () => undefined,
      onSaved: () => undefined,
      onRejected: () => undefined,
    });
    slow.addBatch(LINES, "batch-2");
    expect(slow.withdraw("batch-2")).toBe(false);
    answer({ kind: "savedAll", items: [], editKeys: [] });
  });
});
