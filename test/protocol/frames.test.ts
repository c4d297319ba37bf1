import { describe, expect, it } from "vitest";
import { encodeItemFrame, encodeRemovedFrame, PING_TEXT, parseClientFrame, parseServerFrame } from "../../src/protocol/frames";
import { charCount, problemWithField } from "../../src/protocol/text";

describe("parseClientFrame", () => {
  it("reads acks and pings", () => {
    expect(parseClientFrame('{"type":"ack","seq":7}')).toEqual({ ok: true, frame: { type: "ack", seq: 7 } });
    expect(parseClientFrame(PING_TEXT)).toEqual({ ok: true, frame: { type: "ping" } });
    expect(parseClientFrame('{"type":"ping","extra":1}')).toEqual({ ok: true, frame: { type: "ping" } });
  });

  it.each(["", "null", "42", '"ack"', "{}", '{"type":1}', '{"type":"ack"}', '{"type":"ack","seq":9007199254740993}'])(
    "refuses %j as an invalid frame",
    (text) => {
      expect(parseClientFrame(text)).toMatchObject({ ok: false, code: "invalid_frame" });
    },
  );

  it("names an unknown type without echoing a long one back", () => {
    const result = parseClientFrame(JSON.stringify({ type: "x".repeat(1000) }));
    expect(result).toMatchObject({ ok: false, code: "unknown_frame_type" });
    expect(!result.ok && result.message.length).toBeLessThan(100);
  });
});

describe("parseServerFrame", () => {
  it("reads an item frame and refuses one whose item is malformed", () => {
    const item = { id: "i", title: "t", body: "b", createdAt: "2026-01-01T00:00:00.000Z", version: 1, updatedAt: null, done: false, doneAt: null };
    expect(parseServerFrame(JSON.stringify({ type: "item", seq: 2, messageId: "c:2", item }))).toMatchObject({ ok: true });
    expect(parseServerFrame(JSON.stringify({ type: "item", seq: 2, messageId: "c:2", item: { id: 1 } }))).toMatchObject({
      ok: false,
    });
  });
});

describe("item text", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(charCount("😀😀")).toBe(2);
  });

  it("allows tabs and line breaks in a body but not in a title", () => {
    expect(problemWithField("body", "a\n\tb\r\nc")).toBeNull();
    expect(problemWithField("title", "a\tb")).toMatch(/control character/);
  });

  it("refuses DEL, NUL and lone surrogates", () => {
    expect(problemWithField("body", "a\u007f")).toMatch(/control/);
    expect(problemWithField("body", "a\u0000")).toMatch(/control/);
    expect(problemWithField("title", "\udc00x")).toMatch(/surrogate/);
  });

  it("refuses C1 control characters, as PROTOCOL.md's \"no control characters\" says (found by the HTTP fuzz test)", () => {
    expect(problemWithField("body", "red \u009b31m text")).toMatch(/control/);
    // U+0085 is also a line break, which no title may hold.
    expect(problemWithField("title", "a\u0085b")).toMatch(/control|one line/);
    expect(problemWithField("body", "a\u0080")).toMatch(/control/);
    expect(problemWithField("body", "\u00a0no-break space is text")).toBeNull();
  });

  it("accepts right-to-left marks and emoji", () => {
    expect(problemWithField("title", "\u200fשלום 🎉")).toBeNull();
  });
});

describe("encodeItemFrame and encodeRemovedFrame", () => {
  const item = {
    id: "i\"d",
    title: "t\u2028\n😀",
    body: "<b>\\</b>",
    createdAt: "2026-01-01T00:00:00.000Z",
    version: 2,
    updatedAt: "2026-01-02T00:00:00.000Z",
    done: true,
    doneAt: "2026-01-03T00:00:00.000Z",
  };

  it.each(["item", "edited"] as const)("a %s frame is the same text as JSON.stringify of the frame, for awkward text too", (type) => {
    const frame = { type, seq: 42, messageId: 'c"1:42', item };
    expect(encodeItemFrame(type, 42, 'c"1:42', JSON.stringify(item))).toBe(JSON.stringify(frame));
    expect(parseServerFrame(encodeItemFrame(type, 42, "m", JSON.stringify(item)))).toEqual({
      ok: true,
      frame: { ...frame, messageId: "m" },
    });
  });

  it("a removed frame parses back to itself", () => {
    const text = encodeRemovedFrame(7, "c:7", "k3-9f2c41d07ab3e5c8");
    expect(parseServerFrame(text)).toEqual({
      ok: true,
      frame: { type: "removed", seq: 7, messageId: "c:7", itemId: "k3-9f2c41d07ab3e5c8" },
    });
  });

  it("refuses items without done (protocol 4), or with a done that is not true or false", () => {
    const { done: _, ...undone } = item;
    expect(parseServerFrame(JSON.stringify({ type: "edited", seq: 1, messageId: "m", item: undone }))).toMatchObject({ ok: false });
    const stringly = { ...item, done: "yes" };
    expect(parseServerFrame(JSON.stringify({ type: "edited", seq: 1, messageId: "m", item: stringly }))).toMatchObject({ ok: false });
    const badWhen = { ...item, doneAt: 5 };
    expect(parseServerFrame(JSON.stringify({ type: "edited", seq: 1, messageId: "m", item: badWhen }))).toMatchObject({ ok: false });
  });

  it("refuses items without a version, and removed frames without an item id", () => {
    const { version: _, ...unversioned } = item;
    expect(parseServerFrame(JSON.stringify({ type: "edited", seq: 1, messageId: "m", item: unversioned }))).toMatchObject({ ok: false });
    expect(parseServerFrame(JSON.stringify({ type: "removed", seq: 1, messageId: "m" }))).toMatchObject({ ok: false });
  });
});

describe("renamed and the welcome's title", () => {
  it("a renamed frame parses to its title; one without a string title is malformed", () => {
    expect(parseServerFrame(JSON.stringify({ type: "renamed", title: "Trip" }))).toEqual({ ok: true, frame: { type: "renamed", title: "Trip" } });
    expect(parseServerFrame(JSON.stringify({ type: "renamed", title: 3 }))).toMatchObject({ ok: false, code: "invalid_frame" });
  });

  it("a welcome without a title is malformed", () => {
    const welcome = { type: "welcome", protocol: 4, clientId: "c", resumeToken: "t", resumed: false, seq: 1, resendIntervalMs: 1, window: { frames: 1, bytes: 1 } };
    expect(parseServerFrame(JSON.stringify(welcome))).toMatchObject({ ok: false });
    expect(parseServerFrame(JSON.stringify({ ...welcome, title: "Listroom" }))).toMatchObject({ ok: true });
  });
});
