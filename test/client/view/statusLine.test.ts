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

  it("says when it will retry, in whole seconds", () => {
    expect(statusText({ state: "down", retryAt: 4_000 }, 100)).toBe("no connection... retrying in 4 s");
    expect(statusText({ state: "down", retryAt: 0 }, 100)).toBe("no connection... retrying");
    expect(statusText({ state: "live" }, 0)).toBe("");
  });
});
