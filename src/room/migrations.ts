/**
 * The list's tables, as an append-only list of numbered migrations, run and
 * checked by src/delivery/platform/migrate.ts. Ids 002 and 003 made the
 * sessions' table, which the engine owns now
 * (src/delivery/sessions/sessionMigrations.ts); their ids are kept there.
 */
import type { Migration, Schema } from "../delivery/platform/migrate";
import { SESSION_SCHEMA } from "../delivery/sessions/sessionMigrations";
import { textHash } from "./textHash";

export const MIGRATIONS: readonly Migration[] = [
  {
    // `pos` is the log position: 1, 2, 3… with no gaps, assigned on insert.
    // A connection's seq numbers are derived from it, so it must never skip.
    // The public id embeds `pos` (see itemId.ts), so no index on it is needed,
    // and keys are indexed only where present: a save writes one row, two
    // with an Idempotency-Key.
    id: "001_items",
    sql: `CREATE TABLE items (
      pos INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      idempotency_key TEXT
    );
    CREATE UNIQUE INDEX items_by_idempotency_key ON items (idempotency_key) WHERE idempotency_key IS NOT NULL`,
  },
  {
    // The list itself: one row (none for the default list until its owner renames it).
    id: "004_list_meta",
    sql: `CREATE TABLE list_meta (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      owner_key_hash TEXT
    )`,
  },
  {
    // Edits and removals share the log with saves: a change takes the next
    // `pos`, so seq numbers stay gapless and a connection's frames are still
    // derived from the log. `items` holds each item as it is now (a removed
    // one keeps its row, text erased, so cursors naming it still work); a
    // change row only says which item changed and how, so it costs the same
    // whatever the audience. `first_text` (a hash since 006) keeps the text as first saved once
    // an item saved with an Idempotency-Key is edited, so a repeat of that
    // save is still checked against what it sent. Edit keys are derived from
    // `room_secrets`.
    id: "005_changes",
    sql: `ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE items ADD COLUMN updated_at INTEGER;
    ALTER TABLE items ADD COLUMN removed_at INTEGER;
    ALTER TABLE items ADD COLUMN first_text TEXT;
    CREATE TABLE changes (
      pos INTEGER PRIMARY KEY,
      item_pos INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('edited', 'removed')),
      at INTEGER NOT NULL
    );
    CREATE TABLE room_secrets (
      name TEXT PRIMARY KEY,
      secret TEXT NOT NULL
    )`,
  },
  {
    // A repeated save is compared with what it first sent by hash: the text
    // an edit replaced is no longer kept anywhere. Every live item saved with
    // an Idempotency-Key gets the hash of its first text (the kept copy when
    // it was edited, else its text as it is), and the copies are dropped.
    id: "006_first_text_hash",
    sql: `ALTER TABLE items ADD COLUMN first_text_hash TEXT`,
    rewrite: (sql) => {
      const rows = sql
        .exec<{ pos: number; title: string; body: string; first_text: string | null }>(
          `SELECT pos, title, body, first_text FROM items WHERE idempotency_key IS NOT NULL AND removed_at IS NULL`,
        )
        .toArray();
      for (const row of rows) {
        const [title, body] = row.first_text === null ? [row.title, row.body] : (JSON.parse(row.first_text) as [string, string]);
        sql.exec(`UPDATE items SET first_text_hash = ? WHERE pos = ?`, textHash({ title, body }), row.pos);
      }
      sql.exec(`ALTER TABLE items DROP COLUMN first_text`);
    },
  },
  {
    // What the list holds, kept in one row that each save, edit and removal
    // adjusts in its transaction, so the ceilings are checked without
    // counting: live items and the bytes of their text (a TEXT cast to BLOB
    // has its UTF-8 length). And the removed items not yet shrunk to a
    // tombstone (tombstones.ts), indexed so the alarm finds them without
    // reading the list. (It also gave sessions `token_issued_at`, which is
    // the sessions' own s004_token_issued_at now.)
    id: "007_ceilings_and_expiry",
    sql: `CREATE TABLE list_totals (
      items INTEGER NOT NULL,
      text_bytes INTEGER NOT NULL
    );
    INSERT INTO list_totals (items, text_bytes)
      SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(title AS BLOB)) + LENGTH(CAST(body AS BLOB))), 0)
      FROM items WHERE removed_at IS NULL;
    CREATE INDEX items_awaiting_tombstone ON items (removed_at)
      WHERE removed_at IS NOT NULL AND (idempotency_key IS NOT NULL OR updated_at IS NOT NULL OR created_at <> removed_at)`,
  },
  {
    // Ticking an item off is a change like an edit: it takes the next `pos`
    // as an 'edited' row in `changes`, so it needs no kind of its own there.
    // `done_at` is when `done` last changed (null until the first tick).
    id: "008_done",
    sql: `ALTER TABLE items ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE items ADD COLUMN done_at INTEGER`,
  },
  {
    // Search (src/protocol/search.ts): an FTS5 index of live items' title and
    // body, keyed by `pos`, so a search reads only matching rows, newest first.
    // `unicode61 remove_diacritics 2` folds case and Latin accents; marks stay
    // inside words (the default splits Devanagari at every vowel sign). The
    // index holds no copy of the text (contentless, with deletes; FTS5 keeps
    // column sizes for those deletes). Words of one and two letters are also
    // indexed by prefix: a query "a*" at 5,000 full items then reads a few rows
    // (under 1 ms) instead of merging every word that starts with "a" (90 ms),
    // for a third more index. Triggers keep it in step inside each save's,
    // edit's or removal's own transaction; a removed item leaves the index
    // with its text. A tick (`done`) changes no text, so it writes nothing here.
    id: "009_search",
    sql: `CREATE VIRTUAL TABLE item_search USING fts5(
      title, body,
      content = '', contentless_delete = 1, prefix = '1 2',
      tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
    );
    INSERT INTO item_search (rowid, title, body) SELECT pos, title, body FROM items WHERE removed_at IS NULL;
    CREATE TRIGGER item_search_on_insert AFTER INSERT ON items WHEN new.removed_at IS NULL BEGIN
      INSERT INTO item_search (rowid, title, body) VALUES (new.pos, new.title, new.body);
    END;
    CREATE TRIGGER item_search_on_update AFTER UPDATE OF title, body, removed_at ON items BEGIN
      DELETE FROM item_search WHERE rowid = old.pos;
      INSERT INTO item_search (rowid, title, body) SELECT new.pos, new.title, new.body WHERE new.removed_at IS NULL;
    END;
    CREATE TRIGGER item_search_on_delete AFTER DELETE ON items BEGIN
      DELETE FROM item_search WHERE rowid = old.pos;
    END`,
  },
  {
    // The relays this list feeds (relays/relayFeed.ts): how far each has
    // been delivered, so a restart neither skips nor repeats an entry.
    id: "010_relay_feed",
    sql: `CREATE TABLE relay_feed (
      relay INTEGER PRIMARY KEY,
      delivered_through INTEGER NOT NULL
    )`,
  },
  {
    // Each fed relay's socket count as last reported, so placement after the
    // list's object restarts still knows which relays are full.
    id: "011_relay_feed_connections",
    sql: `ALTER TABLE relay_feed ADD COLUMN connections INTEGER NOT NULL DEFAULT 0`,
  },
  {
    // Changes merge by field (protocol 5, src/protocol/fieldMerge.ts): for
    // each field, the version at which it last changed and the writer of that
    // change (a browser id; null for none). Columns of the item's own row, so
    // a save and a change write no row more than before; a later field (an
    // order, say) adds its pair. An item from before this migration has no
    // stamps (a null version) and reads as every field at its current
    // version, by nobody: its first change is judged as protocol 4 judged
    // it, and writes every stamp. A removal clears them with the text.
    id: "012_field_stamps",
    sql: `ALTER TABLE items ADD COLUMN title_version INTEGER;
    ALTER TABLE items ADD COLUMN title_writer TEXT;
    ALTER TABLE items ADD COLUMN body_version INTEGER;
    ALTER TABLE items ADD COLUMN body_writer TEXT;
    ALTER TABLE items ADD COLUMN done_version INTEGER;
    ALTER TABLE items ADD COLUMN done_writer TEXT`,
  },
];

/** Every table the list's object keeps: its sessions (the engine's) and the list's own. */
export const LIST_SCHEMAS: readonly Schema[] = [SESSION_SCHEMA, { owner: "list", migrations: MIGRATIONS }];
