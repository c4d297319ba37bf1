/**
 * Generators of hostile input for the property tests: text with the Unicode
 * that breaks naive code (controls, NUL, lone surrogates, RTL marks, emoji),
 * JSON of every shape, and frames that look almost right.
 */
import fc from "fast-check";

const awkwardPieces = [
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\ud800",
  "\udfff",
  "\u200f",
  "\u202e",
  "\u2028",
  "\ufeff",
  "😀",
  "👩‍👩‍👧",
  "<script>",
  "'; DROP TABLE items; --",
  "\r\n",
  "\t",
  " ",
];

/** Strings mixing ordinary text with awkward pieces. */
export const awkwardText = fc
  .array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom(...awkwardPieces)), { maxLength: 12 })
  .map((parts) => parts.join(""));

const jsonLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 1e308, -0, 0.5),
  awkwardText,
);

export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, jsonLeaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom("type", "seq", "item", "__proto__"), awkwardText), tie("value"), {
    maxKeys: 4,
  }),
})).value;

/** Frames that are nearly valid: a known or unknown type with fields of any kind. */
export const nearFrame = fc
  .record({
    type: fc.oneof(fc.constantFrom("ack", "ping", "item", "welcome", "snapshot", "pong", "ACK", ""), awkwardText, jsonLeaf),
    seq: fc.oneof(jsonLeaf, fc.nat(10)),
    extra: anyJson,
  })
  .map((frame) => JSON.stringify(frame));

/** Anything a client could put in a text frame. */
export const hostileText = fc.oneof(
  nearFrame,
  anyJson.map((value) => JSON.stringify(value) ?? "undefined"),
  awkwardText,
  fc.nat(200).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
);
