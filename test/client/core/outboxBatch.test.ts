/** Several items added at once go through the outbox as one entry (src/client/core/outbox.ts, `PendingBatch`). */
import { describe, expect, it } from "vitest";
import { lineKey, Outbox, type BatchOutcome, type PendingSave } from "../../../src/client/core/outbox";
import type { NewLine } from "../../../src/protocol/batch";
import type { Item } from "../../../src/protocol/item";
import { ManualScheduler } from "../manualScheduler";
import { MemoryStore } from "../memoryStore";

const LINES: NewLine[] = [
  { title: "Apples", body: "", done: false },
  { title: "Pears", body: "", done: false },
  { title: "Plums", body: "", done: true },
];

function item(title: string, done = false): Item {
  return { id: `id-${title}`, title, body: "", createdAt: new Date(0).toISOString(), version: 1, updatedAt: null, done, doneAt: null };
}

const SAVED: BatchOutcome = { kind: "savedAll", items: [item("Apples"), item("Pears"), item("Plums", true)], editKeys: ["k1", "k2", "k3"] };

/**
 * A page's outbox over one store and clock: `answers` are what the server
 * says to each batch sent, in turn (none left: the network is down), and
 * `events` what the page was told.
 */
class Page {
  readonly sent: string[] = [];
  readonly events: string[] = [];
  shown: PendingSave[] = [];
  readonly box: Outbox;
  #reported: () => void = () => undefined;

  constructor(
    readonly answers: BatchOutcome[] = [],
    readonly scheduler = new ManualScheduler(),
    store = new MemoryStore(),
  ) {
    this.box = new Outbox({
      store,
      scheduler,
      post: () => Promise.reject(new Error("no single saves in these tests")),
      postBatch: async (batch) => {
        this.sent.push(batch.key);
        const answer = this.answers.shift();
        if (!answer) throw new TypeError("Failed to fetch");
        return answer;
      },
      onChange: (pending) => (this.shown = [...pending]),
      onSaved: () => undefined,
      onRejected: () => undefined,
      onBatchSaved: (batch, items, editKeys) => this.#tell(`saved ${batch.key}: ${items.map((saved) => saved.title).join(", ")} with ${editKeys.join(", ")}`),
      onBatchRejected: (batch, error) => this.#tell(`refused ${batch.key}: ${error.code}`),
    });
  }

  /** Resolves once the page has been told how `count` more batches went. */
  reports(count: number): Promise<void> {
    const target = this.events.length + count;
    return new Promise((resolve) => (this.#reported = () => this.events.length >= target && resolve()));
  }

  #tell(event: string): void {
    this.events.push(event);
    this.#reported();
  }
}

describe("a batch in the outbox", () => {
  it("is sent as one request, and the page is told its items and keys before it leaves the queue", async () => {
    const page = new Page([SAVED]);
    const done = page.reports(1);
    page.box.addBatch(LINES, "batch-1");
    await done;
    expect(page.sent).toEqual(["batch-1"]);
    expect(page.events).toEqual(["saved batch-1: Apples, Pears, Plums with k1, k2, k3"]);
    expect(page.box.pending()).toEqual([]);
  });

  it("shows each line as a save of its own while it waits, the first line where the newest save shows", () => {
    const page = new Page();
    page.box.add({ title: "earlier", body: "" }, "save-1");
    page.box.addBatch(LINES, "batch-1");
    expect(page.box.pending().map((save) => save.key)).toEqual(["save-1", lineKey("batch-1", 2), lineKey("batch-1", 1), lineKey("batch-1", 0)]);
    expect(page.shown.map((save) => save.title)).toEqual(["earlier", "Plums", "Pears", "Apples"]);
  });

  it("survives a reload, and is retried with the same key until the server answers", async () => {
    const store = new MemoryStore();
    // Made on a page that went away before sending it.
    const before = new Page([], new ManualScheduler(), store);
    before.box.hold();
    before.box.addBatch(LINES, "batch-1");
    const reloaded = new Page([{ kind: "retry" }, SAVED], new ManualScheduler(), store);
    expect(reloaded.box.pending().map((save) => save.title)).toEqual(["Plums", "Pears", "Apples"]);
    const done = reloaded.reports(1);
    await reloaded.box.flush();
    await reloaded.scheduler.whenTimerPending();
    reloaded.scheduler.advance(60_000);
    await done;
    expect(reloaded.sent).toEqual(["batch-1", "batch-1"]);
    expect(reloaded.box.pending()).toEqual([]);
  });

  it("hands a refused batch back whole, and goes on with the next entry", async () => {
    const page = new Page([{ kind: "rejected", error: { code: "list_full", message: "this list is full" } }, { kind: "savedAll", items: [item("one")], editKeys: ["k"] }]);
    const done = page.reports(2);
    page.box.addBatch(LINES, "batch-1");
    page.box.addBatch([{ title: "one", body: "", done: false }], "batch-2");
    await done;
    expect(page.events).toEqual(["refused batch-1: list_full", "saved batch-2: one with k"]);
    expect(page.box.pending()).toEqual([]);
  });

  it("can be withdrawn unsent while it waits, but not while it is being sent", async () => {
    const offline = new Page();
    offline.box.addBatch(LINES, "batch-1");
    // The first send failed: the batch waits for its retry.
    await offline.scheduler.whenTimerPending();
    expect(offline.box.withdraw("batch-1")).toBe(true);
    expect(offline.box.pending()).toEqual([]);
    expect(offline.shown).toEqual([]);
    expect(offline.box.withdraw("batch-1")).toBe(false);

    let answer: (outcome: BatchOutcome) => void = () => undefined;
    const slow = new Outbox({
      store: new MemoryStore(),
      scheduler: new ManualScheduler(),
      post: () => Promise.reject(new Error("unused")),
      postBatch: () => new Promise((resolve) => (answer = resolve)),
      onChange: () => undefined,
      onSaved: () => undefined,
      onRejected: () => undefined,
    });
    slow.addBatch(LINES, "batch-2");
    expect(slow.withdraw("batch-2")).toBe(false);
    answer(SAVED);
  });
});
