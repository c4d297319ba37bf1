/**
 * The SHA-256 of a save's text, which is all the room keeps of it once the
 * item is edited: a repeated save (same Idempotency-Key) is compared with
 * what was first sent by hash, so no earlier text is ever stored.
 *
 * SHA-256 is computed here, synchronously, because the hash is taken inside
 * `transactionSync` (a save's log write, migration 006's rewrite of stored
 * rows), where the Web Crypto API's promise cannot be awaited; the Worker
 * runs without `nodejs_compat`, so `node:crypto` is not there either. A test
 * checks it against `crypto.subtle.digest`.
 */
import type { NewLine } from "../protocol/batch";
import type { NewItem } from "../protocol/item";
import { base64url } from "../shared/tokens";

const ROUND_CONSTANTS = Uint32Array.from(
  "428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2"
    .split(" ")
    .map((word) => parseInt(word, 16)),
);
const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** SHA-256 (FIPS 180-4) of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);
  const state = Uint32Array.from(INITIAL_STATE);
  const w = new Uint32Array(64);
  for (let block = 0; block < blocks; block++) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block * 64 + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15]!, 7) ^ rotr(w[t - 15]!, 18) ^ (w[t - 15]! >>> 3);
      const s1 = rotr(w[t - 2]!, 17) ^ rotr(w[t - 2]!, 19) ^ (w[t - 2]! >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = Array.from(state) as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[t]! + w[t]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((value, index) => (state[index] = (state[index]! + value) >>> 0));
  }
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  state.forEach((value, index) => out.setUint32(index * 4, value));
  return digest;
}

/** The hash a save's text is kept and compared as: SHA-256 of `[title, body]` as JSON, base64url. */
export function textHash(text: NewItem): string {
  return base64url(sha256(new TextEncoder().encode(JSON.stringify([text.title, text.body]))));
}

/**
 * The hash a batch's lines are kept and compared as (src/room/itemBatch.ts):
 * SHA-256 of `["batch", [title, body, done]…]` as JSON, base64url, so it is
 * never the hash of one item's text.
 */
export function batchHash(lines: readonly NewLine[]): string {
  const text = JSON.stringify(["batch", lines.map((line) => [line.title, line.body, line.done])]);
  return base64url(sha256(new TextEncoder().encode(text)));
}
