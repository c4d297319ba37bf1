/** Requests to the Worker in the test pool, as a browser or curl would send them. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Item } from "../../src/protocol/item";

const BASE = "https://listroom.test";

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function postJson(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request("/api/items", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function listedIds(): Promise<string[]> {
  const response = await request("/api/items?limit=200");
  const { items } = await response.json<{ items: Item[] }>();
  return items.map((item) => item.id);
}

export async function expectRejected(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}
