/**
 * Requests to the Worker in the test pool, as a browser or curl would send
 * them through `wrangler dev`: from 127.0.0.1 (exempt from the per-address
 * limits) unless a test names another `CF-Connecting-IP`.
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Item } from "../../src/protocol/item";

export const BASE = "https://listroom.test";
const LOCAL_ADDRESS = "127.0.0.1";

export function request(path: string, init?: RequestInit): Promise<Response> {
  const headers = new Headers(init?.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", LOCAL_ADDRESS);
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers }));
}

/** A request exactly as given: no address added. */
export function rawRequest(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** An address in a documentation range (RFC 5737) no other test uses. */
export function randomIPv4(): string {
  const [a, b] = crypto.getRandomValues(new Uint8Array(2));
  return `198.18.${a}.${b}`;
}

/** A random /64 in the documentation range (RFC 3849), as a prefix to append an interface id to. */
export function randomIPv6Prefix(): string {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}`;
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
