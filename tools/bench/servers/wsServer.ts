/**
 * The physical limit: plain `ws` on Node broadcasting each save to every
 * socket, with no storage, no seq, no acks. Frames carry `pos`, an in-memory
 * counter, so the load generator can see holes. permessage-deflate is off.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { invalidInput, isSave, notFound, readNewItem, sendJson, type BenchItem } from "./http";

export function serveWs(port: number): void {
  let pos = 0;
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true });
  const server = createServer(async (request, response) => {
    if (request.url === "/health") return sendJson(response, 200, { ok: true });
    if (!isSave(request)) return notFound(response, request.url ?? "");
    const input = await readNewItem(request);
    if (!input) return invalidInput(response);
    const item: BenchItem = { id: randomUUID(), ...input, createdAt: new Date().toISOString() };
    pos++;
    const text = JSON.stringify({ type: "item", pos, item });
    for (const ws of sockets.clients) ws.send(text);
    sendJson(response, 201, { item });
  });
  server.on("upgrade", (request, socket, head) => {
    if ((request.url ?? "").split("?")[0] !== "/ws") return socket.destroy();
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on("error", () => ws.terminate());
    });
  });
  server.listen(port, "127.0.0.1");
}
