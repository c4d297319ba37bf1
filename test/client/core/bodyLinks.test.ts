import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyPieces } from "../../../src/client/core/bodyLinks";

const links = (body: string) => bodyPieces(body).flatMap((piece) => ("href" in piece ? [piece.href] : []));

describe("finding links in an item's body", () => {
  it("finds http and https addresses among text, and keeps the rest as text", () => {
    expect(bodyPieces("Recipe at https://example.com/soup?x=1#top then http://a.test")).toEqual([
      { text: "Recipe at " },
      { text: "https://example.com/soup?x=1#top", href: "https://example.com/soup?x=1#top" },
      { text: " then " },
      { text: "http://a.test", href: "http://a.test/" },
    ]);
  });

  it("leaves sentence punctuation and unopened brackets out of the address", () => {
    expect(links("See https://example.com/a.")).toEqual(["https://example.com/a"]);
    expect(links("(see https://example.com/b), or https://example.com/c!")).toEqual(["https://example.com/b", "https://example.com/c"]);
    expect(links("https://en.wikipedia.org/wiki/Milk_(drink)")).toEqual(["https://en.wikipedia.org/wiki/Milk_(drink)"]);
    expect(links("[https://example.com/d]")).toEqual(["https://example.com/d"]);
  });

  it("never links another scheme: javascript:, data:, file:, or an address with no host", () => {
    for (const body of [
      "javascript:alert(1)",
      "JavaScript:alert(document.cookie)//https",
      "data:text/html,<script>alert(1)</script>",
      "data:text/html;base64,PHNjcmlwdD4=",
      "file:///etc/passwd",
      "ftp://example.com/",
      "https://",
      "xhttps://example.com",
    ]) {
      expect(links(body)).toEqual([]);
      expect(bodyPieces(body)).toEqual([{ text: body }]);
    }
  });

  it("links only the https address hidden after another scheme", () => {
    expect(bodyPieces("javascript:https://example.com")).toEqual([
      { text: "javascript:" },
      { text: "https://example.com", href: "https://example.com/" },
    ]);
  });

  it("matches the scheme in any case and links to its normal form", () => {
    expect(links("HTTPS://Example.COM/Path")).toEqual(["https://example.com/Path"]);
  });

  it("keeps every character of the body, in order, and every link is http or https", () => {
    const body = fc.array(
      fc.oneof(
        fc.string(),
        fc.constantFrom("https://example.com/x", "http://a.b/(c)", "javascript:alert(1)", "data:,x", " ", "\n", ".", ")", "https://"),
      ),
    );
    fc.assert(
      fc.property(body, (parts) => {
        const text = parts.join("");
        const pieces = bodyPieces(text);
        expect(pieces.map((piece) => piece.text).join("")).toBe(text);
        for (const piece of pieces) if ("href" in piece) expect(new URL(piece.href).protocol).toMatch(/^https?:$/);
      }),
      { numRuns: 500 },
    );
  });
});
