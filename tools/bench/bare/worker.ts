/**
 * The bare Durable Object broadcast the benchmark compares Listroom with: the
 * same shape (`POST /api/items` saves an item, every socket on `GET /ws`
 * receives it) with nothing else. No storage, no per-connection seq, no acks,
 * no resend; sockets use the hibernation API like Listroom's. Each broadcast
 * carries `pos`, an in-memory counter, so the load generator can see holes;
 * it restarts from 1 when the object wakes from hibernation, which is how the
 * benchmark learns that the object slept.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  BARE_ROOM: DurableObjectNamespace<BareRoom>;
}

interface BareItem {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

export class BareRoom extends DurableObject<Env> {
  private pos = 0;

  broadcast(title: string, body: string): BareItem {
    const item: BareItem = { id: crypto.randomUUID(), title, body, createdAt: new Date().toISOString() };
    this.pos++;
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

  override async fetch(): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(): void {
    // Clients of the bare room send nothing that needs an answer.
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

function isNewItem(value: unknown): value is { title: string; body: string } {
  if (typeof value !== "object" || value === null) return false;
  const { title, body } = value as Record<string, unknown>;
  return typeof title === "string" && typeof body === "string";
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const room = env.BARE_ROOM.getByName("main");
    const { pathname } = new URL(request.url);
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
      const item = await room.broadcast(input.title, input.body);
      return Response.json({ item }, { status: 201 });
    }
    if (pathname === "/health") return new Response("ok");
    return Response.json({ error: { code: "not_found", message: `nothing at ${pathname}` } }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
