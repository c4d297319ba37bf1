/**
 * The bare Durable Object broadcast the benchmark compares Listroom with: the
 * same shape (`POST /api/items` saves an item, every socket on `GET /ws`
 * receives it) with nothing else. No storage, no per-connection seq, no acks,
 * no resend; sockets use the hibernation API like Listroom's. Each broadcast
 * carries `pos`, an in-memory counter, so the load generator can see holes;
 * it restarts from 1 when the object wakes from hibernation, which is how the
 * benchmark learns that the object slept.
 *
 * `GET /ws?with=tags,attachment,…` adds, to that one connection, one thing
 * of what a Listroom connection does (./additions.ts), so the memory
 * bench (run/memory.ts) can price each beside the bare socket in one run.
 *
 * `POST /api/items?with=durable` writes the item first, as one INSERT into a
 * SQLite table under `transactionSync` like Listroom's save, then broadcasts:
 * the floor every save that persists must pay (the saves-alone scenario's
 * `bare-durable`). `?with=no-room` answers in the Worker without calling the
 * room at all, to price the Worker's side alone (`bare-worker`). Without
 * either the bare room stays as it was, so earlier figures stay comparable.
 *
 * A frame from a client is read as Listroom reads one and kept if it is an
 * acknowledgement: the floor for delivery, since Listroom's protocol has its
 * clients acknowledge (the bench's `bare-acking-workerd`, whose clients ack
 * `pos` as the page acks `seq`). Clients of the plain bare room send nothing.
 */
import { DurableObject } from "cloudflare:workers";
import { ErrorCode } from "../../../src/protocol/errors";
import { PONG_TEXT, parseClientFrame, type ErrorFrame } from "../../../src/protocol/frames";
import { ADDITIONS, PROBES, type Addition, type Probe } from "./additions";

interface Env {
  BARE_ROOM: DurableObjectNamespace<BareRoom>;
}

interface BareItem {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}


function additionsOf(url: URL): Set<Addition | Probe> {
  const asked = (url.searchParams.get("with") ?? "").split(",");
  return new Set([...ADDITIONS, ...PROBES].filter((addition) => asked.includes(addition)));
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

export class BareRoom extends DurableObject<Env> {
  private pos = 0;
  private sessionTable = false;
  private arrivals = 0;
  private itemTable = false;
  /** The highest `pos` each socket acknowledged: the least a room that honours acks keeps. */
  private readonly acked = new WeakMap<WebSocket, number>();

  broadcast(title: string, body: string, durable = false): BareItem {
    const item = newItem(title, body);
    this.pos++;
    if (durable) this.write(this.pos, item);
    const text = JSON.stringify({ type: "item", pos: this.pos, item });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // Closed under us; nothing to clean up without storage.
      }
    }
    return item;
  }

  /** One INSERT in its own transaction, as Listroom writes a save before its frames go out. */
  private write(pos: number, item: BareItem): void {
    const sql = this.ctx.storage.sql;
    if (!this.itemTable) {
      sql.exec("CREATE TABLE IF NOT EXISTS items (pos INTEGER NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)");
      this.itemTable = true;
    }
    // No key or index: a rowid table is the least a durable write can be (pos restarts after hibernation).
    this.ctx.storage.transactionSync(() => {
      sql.exec("INSERT INTO items VALUES (?, ?, ?, ?, ?)", pos, item.id, item.title, item.body, item.createdAt);
    });
  }

  override async fetch(request: Request): Promise<Response> {
    const adds = additionsOf(new URL(request.url));
    if (adds.size === 0) {
      // The floor: nothing but the accepted socket.
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    const clientId = crypto.randomUUID();
    const connectionId = crypto.randomUUID();
    let tokenHash = clientId;
    if (adds.has("token-hash")) {
      // As Listroom at its most: a resume token's hash, then the fresh token's, each awaited.
      await sha256(connectionId);
      tokenHash = await sha256(clientId);
    }
    if (adds.has("session-row")) {
      if (!this.sessionTable) {
        this.ctx.storage.sql.exec(
          "CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, token_hash TEXT UNIQUE, base_pos INTEGER, connection_id TEXT, created_at INTEGER)",
        );
        this.sessionTable = true;
      }
      this.ctx.storage.sql.exec("INSERT INTO clients VALUES (?, ?, ?, ?, ?)", clientId, tokenHash, this.pos, connectionId, Date.now());
    }
    if (adds.has("auto-response")) this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, adds.has("tags") ? [clientId, "addr:127.0.0.1"] : []);
    if (adds.has("attachment")) {
      const now = Date.now();
      server.serializeAttachment({ v: 2, clientId, connectionId, basePos: this.pos, connectedAt: now, acked: 0, ackedAt: now, resendRounds: [] });
    }
    if (adds.has("one-frame")) server.send(JSON.stringify({ type: "welcome", protocol: 9, clientId, resumeToken: connectionId.repeat(2), resumed: false, seq: 1 }));
    if (adds.has("frames")) {
      // Listroom's three arrival frames at their sizes for an empty list.
      server.send(JSON.stringify({ type: "welcome", protocol: 9, clientId, resumeToken: connectionId.repeat(2), resumed: false, seq: 1, resendIntervalMs: 30000, window: { frames: 32, bytes: 131072 } }));
      server.send(JSON.stringify({ type: "snapshot", seq: 1, messageId: `${clientId}:1`, items: [], hasOlder: false }));
      server.send(JSON.stringify({ type: "presence", count: ++this.arrivals }));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** One parse at the boundary, as Listroom's intake does, then the ack checked against what was sent and kept. */
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (typeof message !== "string") return refuse(ws, ErrorCode.BinaryFrame, "frames must be JSON text, not binary");
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return refuse(ws, parsed.code, parsed.message);
    if (parsed.frame.type === "ping") return ws.send(PONG_TEXT);
    const { seq } = parsed.frame;
    if (seq > this.pos) return refuse(ws, ErrorCode.AckOutOfRange, `pos ${seq} was never sent (last is ${this.pos})`);
    if (seq > (this.acked.get(ws) ?? 0)) this.acked.set(ws, seq);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // Answer the peer's Close frame, except with codes an endpoint must not send (RFC 6455 §7.4.1).
    if (code === 1005 || code === 1006 || code === 1015) return;
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }
}

function refuse(ws: WebSocket, code: ErrorCode, message: string): void {
  ws.send(JSON.stringify({ type: "error", code, message } satisfies ErrorFrame));
}

function newItem(title: string, body: string): BareItem {
  return { id: crypto.randomUUID(), title, body, createdAt: new Date().toISOString() };
}

function isNewItem(value: unknown): value is { title: string; body: string } {
  if (typeof value !== "object" || value === null) return false;
  const { title, body } = value as Record<string, unknown>;
  return typeof title === "string" && typeof body === "string";
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const room = env.BARE_ROOM.getByName("main");
    const url = new URL(request.url);
    const { pathname } = url;
    if (pathname === "/ws" && request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return room.fetch(request);
    }
    if (pathname === "/api/items" && request.method === "POST") {
      let input: unknown;
      try {
        input = await request.json();
      } catch {
        return Response.json({ error: { code: "invalid_json", message: "the body is not valid JSON" } }, { status: 400 });
      }
      if (!isNewItem(input)) {
        return Response.json({ error: { code: "invalid_input", message: "title and body must be strings" } }, { status: 400 });
      }
      const asked = url.searchParams.get("with");
      const item =
        asked === "no-room"
          ? newItem(input.title, input.body)
          : await room.broadcast(input.title, input.body, asked === "durable");
      return Response.json({ item }, { status: 201 });
    }
    if (pathname === "/health") return new Response("ok");
    return Response.json({ error: { code: "not_found", message: `nothing at ${pathname}` } }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
