/**
 * What the two Node servers share: reading a save from `POST /api/items`
 * (JSON `{"title","body"}`, like Listroom's API) and answering in Listroom's
 * shapes, so the load generator drives all four systems the same way.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Same limit as Listroom's REQUEST_BODY_MAX_BYTES. */
const BODY_MAX_BYTES = 64 * 1024;

export interface BenchItem {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

export type NewItem = Pick<BenchItem, "title" | "body">;

export function readNewItem(request: IncomingMessage): Promise<NewItem | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_MAX_BYTES) chunks.push(chunk);
    });
    request.on("error", () => resolve(null));
    request.on("end", () => {
      if (size > BODY_MAX_BYTES) return resolve(null);
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (typeof value !== "object" || value === null) return resolve(null);
        const { title, body } = value as Record<string, unknown>;
        resolve(typeof title === "string" && typeof body === "string" ? { title, body } : null);
      } catch {
        resolve(null);
      }
    });
  });
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  response.end(text);
}

export function notFound(response: ServerResponse, path: string): void {
  sendJson(response, 404, { error: { code: "not_found", message: `nothing at ${path}` } });
}

export function invalidInput(response: ServerResponse): void {
  sendJson(response, 400, { error: { code: "invalid_input", message: "send JSON {title, body} as strings" } });
}

export function isSave(request: IncomingMessage): boolean {
  return request.method === "POST" && (request.url ?? "").split("?")[0] === "/api/items";
}
