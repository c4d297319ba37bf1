/**
 * Socket.IO 4 on Node doing the list as reliably as Socket.IO can: every
 * save is a row in SQLite (`node:sqlite`, WAL, synchronous=NORMAL, the usual
 * production setting) with the same idempotency rule as Listroom; every
 * socket is sent the newest 200 items when it connects fresh (Listroom's
 * snapshot); each item is broadcast with an acknowledgement request
 * (`io.timeout().emit(…, callback)`), and connection state recovery replays
 * what a reconnecting client missed. WebSocket transport only,
 * permessage-deflate off.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { invalidInput, isSave, notFound, readNewItem, sendJson, type BenchItem } from "./http";

/** Listroom's defaults: resume window and resend interval. */
const RECOVERY_WINDOW_MS = 120_000;
const ACK_TIMEOUT_MS = 30_000;
const SNAPSHOT_ITEMS = 200;

interface ItemRow {
  pos: number;
  id: string;
  title: string;
  body: string;
  created_at: string;
}

function openStore(path: string) {
  // Loaded here rather than imported, so the load generator (the same bundle) never loads
  // node:sqlite and never prints its experimental-feature warning.
  const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  db.exec(`CREATE TABLE IF NOT EXISTS items (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE
  )`);
  const insert = db.prepare("INSERT INTO items (id, title, body, created_at, idempotency_key) VALUES (?, ?, ?, ?, ?)");
  const byKey = db.prepare("SELECT pos, id, title, body, created_at FROM items WHERE idempotency_key = ?");
  const newest = db.prepare("SELECT pos, id, title, body, created_at FROM items ORDER BY pos DESC LIMIT ?");
  const toItem = (row: ItemRow): BenchItem => ({ id: row.id, title: row.title, body: row.body, createdAt: row.created_at });
  return {
    /** The item stored under `key` before, or the new one; `pos` is its place in save order. */
    save(title: string, body: string, key: string | null): { pos: number; item: BenchItem; replayed: boolean } {
      if (key !== null) {
        const earlier = byKey.get(key) as ItemRow | undefined;
        if (earlier) return { pos: earlier.pos, item: toItem(earlier), replayed: true };
      }
      const item: BenchItem = { id: randomUUID(), title, body, createdAt: new Date().toISOString() };
      const result = insert.run(item.id, title, body, item.createdAt, key);
      return { pos: Number(result.lastInsertRowid), item, replayed: false };
    },
    newest(): BenchItem[] {
      return (newest.all(SNAPSHOT_ITEMS) as unknown as ItemRow[]).map(toItem);
    },
  };
}

export function serveSocketIo(port: number, databasePath: string): void {
  const store = openStore(databasePath);
  let unacknowledgedBroadcasts = 0;
  const server = createServer(async (request, response) => {
    if (request.url === "/health") return sendJson(response, 200, { ok: true, unacknowledgedBroadcasts });
    if (!isSave(request)) return notFound(response, request.url ?? "");
    const input = await readNewItem(request);
    if (!input) return invalidInput(response);
    const keyHeader = request.headers["idempotency-key"];
    const saved = store.save(input.title, input.body, typeof keyHeader === "string" ? keyHeader : null);
    if (!saved.replayed) {
      io.timeout(ACK_TIMEOUT_MS).emit("item", { pos: saved.pos, item: saved.item }, (error: Error | null) => {
        if (error) unacknowledgedBroadcasts++;
      });
    }
    sendJson(response, 201, { item: saved.item });
  });
  const io = new Server(server, {
    transports: ["websocket"],
    perMessageDeflate: false,
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
  });
  io.on("connection", (socket) => {
    if (!socket.recovered) socket.emit("snapshot", { items: store.newest() });
  });
  server.listen(port, "127.0.0.1");
}
