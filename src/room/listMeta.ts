/**
 * What a list is: its id, title, when it was created, and who owns it (only
 * the SHA-256 of the owner key is stored). The default list was never
 * created: its owner is whoever holds the `OWNER_KEY` secret, and it has a
 * row only once that owner renames it.
 */
import { DEFAULT_LIST_ID, MAIN_LIST_TITLE, type ListInfo } from "../protocol/lists";
import { ErrorCode } from "../protocol/errors";
import type { Outcome } from "../shared/outcome";
import type { Sql } from "../delivery/platform/sql";
import { hashToken } from "../shared/tokens";

interface MetaRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  created_at: number;
  owner_key_hash: string | null;
}

export type OwnerCheck = "owner" | "not-owner" | "no-owner";

export class ListMeta {
  private defaultOwnerHash: Promise<string | null> | null = null;
  /** The title, once read: every welcome carries it, so it is not read from storage per connection. */
  private knownTitle: string | null = null;

  constructor(
    private readonly sql: Sql,
    /** The default list's owner key, from the `OWNER_KEY` secret; unset means it has no owner. */
    private readonly defaultOwnerKey: string | undefined,
  ) {}

  private row(): MetaRow | null {
    return this.sql<MetaRow>`SELECT * FROM list_meta LIMIT 1`[0] ?? null;
  }

  create(info: ListInfo, ownerKeyHash: string): void {
    this.knownTitle = info.title;
    this.sql`INSERT INTO list_meta (id, title, created_at, owner_key_hash)
      VALUES (${info.id}, ${info.title}, ${Date.parse(info.createdAt)}, ${ownerKeyHash})`;
  }

  /** The list as it is, or null for a list never created. `setUpAt` dates the default list. */
  info(id: string, setUpAt: number): ListInfo | null {
    const row = this.row();
    if (row) return { id: row.id, title: row.title, createdAt: new Date(row.created_at).toISOString() };
    if (id !== DEFAULT_LIST_ID) return null;
    return { id, title: MAIN_LIST_TITLE, createdAt: new Date(setUpAt).toISOString() };
  }

  /** The list's title now (the default list's is `MAIN_LIST_TITLE` until its owner renames it). */
  title(): string {
    this.knownTitle ??= this.row()?.title ?? MAIN_LIST_TITLE;
    return this.knownTitle;
  }

  async checkOwner(id: string, presentedKey: string): Promise<OwnerCheck> {
    const expected = id === DEFAULT_LIST_ID ? await this.defaultOwnerKeyHash() : (this.row()?.owner_key_hash ?? null);
    if (expected === null) return "no-owner";
    return (await hashToken(presentedKey)) === expected ? "owner" : "not-owner";
  }

  /** The default list's owner key, hashed once per instance (every owner's edit and removal asks). */
  private defaultOwnerKeyHash(): Promise<string | null> {
    const key = this.defaultOwnerKey;
    this.defaultOwnerHash ??= key === undefined || key === "" ? Promise.resolve(null) : hashToken(key);
    return this.defaultOwnerHash;
  }

  /** Renames the list if `ownerKey` is its owner's key. */
  async renameAsOwner(id: string, title: string, ownerKey: string, setUpAt: number): Promise<Outcome<ListInfo>> {
    const check = await this.checkOwner(id, ownerKey);
    if (check !== "owner") {
      const message = check === "no-owner" ? "this list has no owner" : "that is not this list's owner key";
      return { ok: false, error: { code: ErrorCode.Forbidden, message } };
    }
    return { ok: true, value: this.rename(id, title, setUpAt) };
  }

  private rename(id: string, title: string, setUpAt: number): ListInfo {
    this.knownTitle = title;
    if (this.row()) this.sql`UPDATE list_meta SET title = ${title}`;
    else this.sql`INSERT INTO list_meta (id, title, created_at, owner_key_hash) VALUES (${id}, ${title}, ${setUpAt}, NULL)`;
    return this.info(id, setUpAt)!;
  }
}
