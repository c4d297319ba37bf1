/**
 * The page's save path (src/client/core/outbox.ts) against the real Worker: a
 * save that gets a 5xx is sent again with the same Idempotency-Key and is
 * stored once. The 5xx is real: the room is restarted with a var it refuses,
 * so the Worker's own error handler answers, and then the var is put right.
 */
import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Outbox, OUTBOX_STORAGE_KEY, postSave, type KeyValueStore, type PendingSave } from "../../src/client/core/outbox";
import type { Item } from "../../src/protocol/item";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";
import { ManualScheduler } from "../client/manualScheduler";
import { overrideVar } from "../room/roomHarness";
import { expectRejected, request, storedItems } from "./request";

class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("the page's outbox through the Worker", () => {
  it("retries a save answered 5xx with the same Idempotency-Key, and the item is stored once", async () => {
    await request("/api/items?limit=1");
    await evictDurableObject(env.LIST_ROOM.getByName(DEFAULT_LIST_ID));
    const restore = overrideVar("RESEND_INTERVAL_MS", "soon");
    // The room cannot start: every route that needs it answers 500.
    await expectRejected(await request("/api/items"), 500, "internal_error");

    const answered: { key: string | null; status: number }[] = [];
    const throughWorker: typeof fetch = async (input, init) => {
      const sent = new Request(input, init);
      const response = await exports.default.fetch(sent.clone());
      answered.push({ key: sent.headers.get("idempotency-key"), status: response.status });
      return response;
    };
    const save: PendingSave = { key: crypto.randomUUID(), title: "through a 500", body: "kept", madeAt: 0 };
    const store = new MemoryStore();
    store.setItem(OUTBOX_STORAGE_KEY, JSON.stringify([save]));
    const scheduler = new ManualScheduler();
    let onSaved: (item: Item) => void = () => undefined;
    const savedItem = new Promise<Item>((resolve) => (onSaved = resolve));
    const outbox = new Outbox({
      store,
      scheduler,
      post: (pending) => postSave(throughWorker, "https://listroom.test/api/items", pending),
      onChange: () => undefined,
      onSaved: (_save, item) => onSaved(item),
      onRejected: (_save, error) => {
        throw new Error(`refused: ${error.code}`);
      },
    });

    await outbox.flush();
    expect(answered).toEqual([{ key: save.key, status: 500 }]);
    expect(outbox.pending()).toEqual([save]);

    restore();
    scheduler.advance(60_000);
    const item = await savedItem;
    expect(answered).toEqual([
      { key: save.key, status: 500 },
      { key: save.key, status: 201 },
    ]);
    expect(item).toMatchObject({ title: save.title, body: save.body });
    expect(outbox.pending()).toEqual([]);
    expect((await storedItems()).filter((stored) => stored.title === save.title)).toEqual([item]);
  });
});
