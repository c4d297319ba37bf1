import { describe, expect, it } from "vitest";
import { presenceText, statusText } from "../../../src/client/view/statusLine";

describe("the status line", () => {
  it("says how many are here only when there is someone besides this page", () => {
    expect(presenceText(null)).toBe("");
    expect(presenceText(0)).toBe("");
    expect(presenceText(1)).toBe("");
    expect(presenceText(2)).toBe("2 here");
    expect(presenceText(1000)).toBe("1000 here");
  });

  it("says what is waiting while there is no connection", () => {
    expect(statusText({ state: "down", retryAt: 4_000 }, 100, false, { count: 3, heldUntil: null })).toBe("no connection... retrying in 4 s · 3 changes waiting");
    expect(statusText({ state: "down", retryAt: 0 }, 100, false, { count: 1, heldUntil: null })).toBe("no connection... retrying · 1 change waiting");
    expect(statusText({ state: "live" }, 0, false, { count: 2, heldUntil: null })).toBe("");
  });

  it("says how long the server's rate limit holds changes back, counting down, and nothing once it is over", () => {
    const held = { count: 2, heldUntil: 40_000 };
    expect(statusText({ state: "live" }, 0, false, held)).toBe("Waiting 40 s: too many changes from this network");
    expect(statusText({ state: "live" }, 30_500, false, held)).toBe("Waiting 10 s: too many changes from this network");
    expect(statusText({ state: "live" }, 40_000, false, held)).toBe("");
    // With no connection at all, that comes first.
    expect(statusText({ state: "down", retryAt: 4_000 }, 0, false, held)).toBe("no connection... retrying in 4 s · 2 changes waiting");
  });

  it("says when it will retry, in whole seconds", () => {
    expect(statusText({ state: "down", retryAt: 4_000 }, 100)).toBe("no connection... retrying in 4 s");
    expect(statusText({ state: "down", retryAt: 0 }, 100)).toBe("no connection... retrying");
    expect(statusText({ state: "live" }, 0)).toBe("");
  });
});
