import { describe, expect, it } from "vitest";
import { isNewerProtocol } from "../../../src/client/core/versionCheck";
import { PROTOCOL_VERSION } from "../../../src/protocol/frames";

describe("isNewerProtocol", () => {
  it("is true only for a server protocol above the page's", () => {
    expect(isNewerProtocol(PROTOCOL_VERSION + 1)).toBe(true);
    expect(isNewerProtocol(PROTOCOL_VERSION)).toBe(false);
    expect(isNewerProtocol(PROTOCOL_VERSION - 1)).toBe(false);
    expect(isNewerProtocol(3, 2)).toBe(true);
  });

  it("takes nothing unreadable for newer", () => {
    for (const value of [undefined, null, "2", 1.5 + PROTOCOL_VERSION, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(isNewerProtocol(value)).toBe(false);
    }
  });
});
