/**
 * Requests to the Worker in the test pool, as a browser or curl would send
 * them through `wrangler dev`: from 127.0.0.1 (exempt from the per-address
 * limits) unless a test names another `CF-Connecting-IP`.
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Item } from "../../src/protocol/item";
import type { ListRoom } from "../../src/room/ListRoom";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";

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

/** Every stored item, newest first, as GET /api/items gives them (a test file stores fewer than a page). */
export async function storedItems(): Promise<Item[]> {
  const response = await request("/api/items?limit=200");
  const { items, nextBefore } = await response.json<{ items: Item[]; nextBefore: string | null }>();
  if (nextBefore !== null) throw new Error("more items than one page; this helper reads one");
  return items;
}

export async function listedIds(): Promise<string[]> {
  return (await storedItems()).map((item) => item.id);
}

/** The item stored under `id`, read back through both list routes, which must agree. */
export async function readBack(id: string): Promise<Item> {
  const item = (await storedItems()).find((stored) => stored.id === id);
  if (!item) throw new Error(`item ${id} is not stored`);
  const { rows } = await (await request("/list")).json<{ rows: { id: string; title: string; bodytext: string; createdAt: string }[] }>();
  expect(rows.find((row) => row.id === id)).toEqual({ id, title: item.title, bodytext: item.body, createdAt: item.createdAt });
  return item;
}

export async function expectRejected(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

/**
 * Ids of every row in the room's item log, newest first, read from storage
 * itself: the truth the routes are judged against, so a copy the routes
 * happen not to show still counts.
 */
export function loggedIds(): Promise<string[]> {
  return runInDurableObject(env.LIST_ROOM.getByName(DEFAULT_LIST_ID), (_room: ListRoom, state) =>
    state.storage.sql
      .exec<{ id: string }>("SELECT id FROM items ORDER BY pos DESC")
      .toArray()
      .map((row) => row.id),
  );
}

/**
 * Sends until the per-address limiter refuses with 429, each answer before it as `served` says. Its
 * windows are aligned to the clock (Miniflare's, as Cloudflare's), so a run that straddles a window's
 * end may take up to twice the limit, never more; at least `limit` are served first.
 */
export async function sendUntilLimited(
  limit: number,
  send: (n: number) => Promise<Response>,
  served: (status: number) => boolean,
): Promise<{ taken: number; refused: Response }> {
  for (let n = 0; n <= 2 * limit; n++) {
    const response = await send(n);
    if (response.status === 429) {
      expect(n).toBeGreaterThanOrEqual(limit);
      return { taken: n, refused: response };
    }
    expect(served(response.status), `request ${n + 1} answered ${response.status}`).toBe(true);
    await response.arrayBuffer();
  }
  throw new Error(`${2 * limit + 1} requests were all served; the limit is ${limit}`);
}
