import { describe, expect, it } from "vitest";
import { neverOpenedText } from "../../../src/client/view/neverOpenedNote";

describe("the note for a list never opened on this device", () => {
  it("says plainly that the browser is offline when it reports so", () => {
    expect(neverOpenedText(false)).toBe("You're offline, and this list hasn't been opened on this device yet.");
  });

  it("says the list can't be reached when the browser thinks it is online", () => {
    expect(neverOpenedText(true)).toBe("The list can't be reached right now, and it hasn't been opened on this device yet.");
  });
});
