import { describe, expect, it } from "vitest";
import { RELOADED_FOR_KEY, reloadedForNewerProtocol, shouldReloadFor } from "../../../src/client/offline/reloadOnce";
import { MemoryStore } from "../memoryStore";

describe("reloading once for a newer protocol", () => {
  it("reloads the first time a tab hears a newer protocol, and not again for that version", () => {
    const session = new MemoryStore();
    expect(shouldReloadFor(session, 4)).toBe(true);
    // The reload brought the same old code back: no loop, the page offers "Reload to update" instead.
    expect(shouldReloadFor(session, 4)).toBe(false);
    expect(shouldReloadFor(session, 4)).toBe(false);
  });

  it("a still newer protocol earns one more reload", () => {
    const session = new MemoryStore();
    shouldReloadFor(session, 4);
    expect(shouldReloadFor(session, 5)).toBe(true);
    expect(session.getItem(RELOADED_FOR_KEY)).toBe("5");
  });

  it("never reloads when the mark cannot be kept, since nothing would stop a loop", () => {
    const throwing = { getItem: () => null, setItem: () => { throw new DOMException("no", "SecurityError"); } };
    expect(shouldReloadFor(throwing, 4)).toBe(false);
    const forgetful = { getItem: () => null, setItem: () => undefined };
    expect(shouldReloadFor(forgetful, 4)).toBe(false);
  });

  it("after that reload, the tab knows from the start that its code is too old, until it runs newer code", () => {
    const session = new MemoryStore();
    expect(reloadedForNewerProtocol(session, 3)).toBe(false);
    shouldReloadFor(session, 4);
    expect(reloadedForNewerProtocol(session, 3)).toBe(true);
    expect(reloadedForNewerProtocol(session, 4)).toBe(false);
    expect(reloadedForNewerProtocol(null, 3)).toBe(false);
  });
});
