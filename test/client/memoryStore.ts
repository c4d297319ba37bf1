/** The page's `localStorage`, as a Map the test can look into. */
import type { KeyValueStore } from "../../src/client/core/outbox";

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}
