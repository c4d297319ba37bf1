/**
 * Edit keys: the secret that lets whoever saved an item change it. Each key
 * is the HMAC-SHA-256 of the item id under a secret of this room's own, so
 * nothing is stored per item and a replayed save hands out the same key. The
 * room secret never leaves the object.
 */
import { base64url, isWellFormedToken, newToken } from "../shared/tokens";
import type { Sql } from "../delivery/platform/sql";

const SECRET_NAME = "edit_keys";

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export class EditKeys {
  private hmacKey: Promise<CryptoKey> | null = null;

  constructor(private readonly sql: Sql) {}

  /** Creates the room's secret if it has none; call once storage is set up (writes only the first time). */
  ensureSecret(): void {
    const exists = this.sql`SELECT 1 FROM room_secrets WHERE name = ${SECRET_NAME}`.length > 0;
    if (!exists) this.sql`INSERT INTO room_secrets (name, secret) VALUES (${SECRET_NAME}, ${newToken()})`;
  }

  async keyFor(itemId: string): Promise<string> {
    const signature = await crypto.subtle.sign("HMAC", await this.key(), new TextEncoder().encode(itemId));
    return base64url(new Uint8Array(signature));
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

  private key(): Promise<CryptoKey> {
    this.hmacKey ??= (async () => {
      const secret = this.sql<{ secret: string }>`SELECT secret FROM room_secrets WHERE name = ${SECRET_NAME}`[0]!.secret;
      return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    return this.hmacKey;
  }
}
