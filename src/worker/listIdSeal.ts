/**
 * Sealed list ids: an id nobody created never reaches a Durable Object.
 * Addressing a room is what costs: its constructor opens SQL storage to ask
 * whether the list exists, and that leaves a database behind for every id
 * asked about. So a new list's id is 128 random bits followed by a MAC of
 * them under the Worker's secret `LIST_ID_SECRET` (HMAC-SHA-256, 96 bits
 * kept), and the Worker refuses an id whose MAC does not verify before it
 * addresses anything: a forged id costs one HMAC and a 404.
 *
 * Without the secret (a local run with no `.dev.vars`, a deployment that never
 * set it) ids are minted unsealed and every well-formed id is addressed, as
 * before. Lists made before the secret was set have unsealed ids: with the
 * secret they answer 404, unless `ACCEPT_UNSEALED_LIST_IDS` is "true", which
 * keeps them reachable and, with them, the old cost of any id of their shape.
 * The default list, `main`, is never sealed.
 */
import { readSwitch, type Vars } from "../config/variables";
import { DEFAULT_LIST_ID, isListId } from "../protocol/lists";
import { base64url } from "../shared/tokens";

/** What the seal reads of the Worker's environment (config/variables.ts says what each means). */
export type ListIdVars = Vars<"LIST_ID_SECRET" | "ACCEPT_UNSEALED_LIST_IDS">;

/** 128 random bits, 22 URL-safe characters: never `main`, never guessed. */
const RANDOM_BYTES = 16;
const RANDOM_CHARS = 22;
/** 96 bits of the MAC, 16 characters: a forger's chance is 2^-96 a try. */
const SEAL_BYTES = 12;
const SEAL_CHARS = 16;
/** Keeps the MAC of a list id apart from anything else the secret might one day key. */
const SEAL_CONTEXT = "listroom list id v1:";

let cachedKey: { secret: string; key: Promise<CryptoKey> } | null = null;

function hmacKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

async function sealOf(secret: string, randomPart: string): Promise<Uint8Array> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(SEAL_CONTEXT + randomPart));
  return new Uint8Array(mac, 0, SEAL_BYTES);
}

function secretOf(env: ListIdVars): string | null {
  return env.LIST_ID_SECRET === undefined || env.LIST_ID_SECRET === "" ? null : env.LIST_ID_SECRET;
}

/**
 * A new list's id: sealed (38 characters) when the Worker has `LIST_ID_SECRET`, else 22 random characters.
 *
 * @example
 * const id = await mintListId(c.env); // "Xq3v9V0kP2bT7rWm1sLd8A" + "h0Zc2mQe9aLkR4tU"
 */
export async function mintListId(env: ListIdVars): Promise<string> {
  const randomPart = base64url(crypto.getRandomValues(new Uint8Array(RANDOM_BYTES)));
  const secret = secretOf(env);
  return secret === null ? randomPart : randomPart + base64url(await sealOf(secret, randomPart));
}

/**
 * Whether the Worker may address the room named `id`: a well-formed id
 * (src/protocol/lists.ts) that is `main`, carries a seal that verifies, or
 * is let through unsealed (no secret, or `ACCEPT_UNSEALED_LIST_IDS`).
 */
export async function isAddressableListId(env: ListIdVars, id: string): Promise<boolean> {
  if (!isListId(id)) return false;
  if (id === DEFAULT_LIST_ID) return true;
  const secret = secretOf(env);
  if (secret === null) return true;
  if (id.length === RANDOM_CHARS + SEAL_CHARS) {
    const expected = base64url(await sealOf(secret, id.slice(0, RANDOM_CHARS)));
    const presented = id.slice(RANDOM_CHARS);
    const encoder = new TextEncoder();
    if (crypto.subtle.timingSafeEqual(encoder.encode(expected), encoder.encode(presented))) return true;
  }
  return readSwitch("ACCEPT_UNSEALED_LIST_IDS", env);
}
