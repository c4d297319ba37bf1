/**
 * Secrets a client holds (resume tokens, owner keys): 256 random bits,
 * base64url. Only their SHA-256 is stored, so reading storage never yields a
 * secret that could act as a client or an owner.
 */
const TOKEN_BYTES = 32;
/**
 * 32 bytes in base64url, in its one canonical spelling: the 43rd character
 * carries the last 4 bits and 2 unused ones, which must be zero. Decoders
 * ignore them, so without this check four spellings would decode to one key.
 */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const URL_SAFE: Record<string, string> = { "+": "-", "/": "_", "=": "" };

/**
 * One string built and one pass over it: every arrival and every save encodes a token this way.
 * The bytes are passed as an argument list, not spread: spreading a typed array walks its iterator,
 * one result object a byte (2.6 KB of garbage a call in Node 22, against 0.7; docs/PERFORMANCE.md).
 * Every caller passes a token or a digest, tens of bytes: far below any limit on an argument list.
 */
export function base64url(bytes: Uint8Array): string {
  const binary: string = Reflect.apply(String.fromCharCode, null, bytes);
  return btoa(binary).replace(/[+/=]/g, (char) => URL_SAFE[char]!);
}

export function newToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

/** Whether `token` is 32 bytes in canonical base64url: what every secret of ours (tokens, owner keys, edit keys) looks like. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return base64url(new Uint8Array(digest));
}
