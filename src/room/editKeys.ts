/**
 * Edit keys: the secret that lets whoever saved an item change it. Each key
 * is the HMAC-SHA-256 of the item id under a secret of this room's own, so
 * nothing is stored per item and a replayed save hands out the same key. The
 * room secret never leaves the object. A key is made synchronously, in JS
 * (textHash.ts's SHA-256, the key's padded blocks hashed once), since every
 * save makes one; checking a presented key stays with `crypto.subtle.verify`,
 * which compares in constant time.
 */
import { base64url, isWellFormedToken, newToken } from "../shared/tokens";
import type { Sql } from "./sql";
import { hmacSha256 } from "./textHash";

const SECRET_NAME = "edit_keys";

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export class EditKeys {
  private hmacKey: Promise<CryptoKey> | null = null;
  private signer: ((message: Uint8Array) => Uint8Array) | null = null;

  constructor(private readonly sql: Sql) {}

  /** Creates the room's secret if it has none; call once storage is set up (writes only the first time). */
  ensureSecret(): void {
    const exists = this.sql`SELECT 1 FROM room_secrets WHERE name = ${SECRET_NAME}`.length > 0;
    if (!exists) this.sql`INSERT INTO room_secrets (name, secret) VALUES (${SECRET_NAME}, ${newToken()})`;
  }

  keyFor(itemId: string): string {
    this.signer ??= hmacSha256(new TextEncoder().encode(this.secret()));
    return base64url(this.signer(new TextEncoder().encode(itemId)));
  }

  /**
   * Whether `presented` is the item's edit key, in its one canonical
   * spelling (a key whose unused last bits are set decodes to the same bytes,
   * and is refused); compared in constant time.
   */
  async matches(itemId: string, presented: string): Promise<boolean> {
    if (!isWellFormedToken(presented)) return false;
    return crypto.subtle.verify("HMAC", await this.key(), fromBase64url(presented), new TextEncoder().encode(itemId));
  }

  private secret(): string {
    return this.sql<{ secret: string }>`SELECT secret FROM room_secrets WHERE name = ${SECRET_NAME}`[0]!.secret;
  }

  private key(): Promise<CryptoKey> {
    this.hmacKey ??= (async () => {
      return crypto.subtle.importKey("raw", new TextEncoder().encode(this.secret()), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    return this.hmacKey;
  }
}
