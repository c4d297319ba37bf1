import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256, textHash } from "../../src/room/textHash";
import { base64url } from "../../src/shared/tokens";

async function subtleSha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

describe("the synchronous SHA-256 behind textHash", () => {
  it("matches the FIPS 180-4 examples", () => {
    const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    expect(hex(sha256(new Uint8Array()))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(sha256(new TextEncoder().encode("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("agrees with crypto.subtle at every length around the block and padding edges", async () => {
    for (let length = 0; length <= 300; length++) {
      const data = crypto.getRandomValues(new Uint8Array(length));
      expect(sha256(data)).toEqual(await subtleSha256(data));
    }
  });

  it("agrees with crypto.subtle on random text of any script", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 2000 }), async (text) => {
        const data = new TextEncoder().encode(text);
        expect(sha256(data)).toEqual(await subtleSha256(data));
      }),
      { numRuns: 200 },
    );
  });

  it("hashes title and body apart: moving text between them changes the hash", () => {
    expect(textHash({ title: "ab", body: "c" })).not.toBe(textHash({ title: "a", body: "bc" }));
    expect(textHash({ title: "a", body: "b" })).toBe(base64url(sha256(new TextEncoder().encode('["a","b"]'))));
  });
});
