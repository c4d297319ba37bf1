/**
 * The lean save route (src/worker/saveRoute.ts) answers exactly as the app's
 * Hono route does: status, headers and body, for every kind of save request,
 * and hands the app whatever it does not take. Each row is sent twice, built
 * afresh, once to the route and once to the app, against the same list.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REQUEST_BODY_MAX_BYTES } from "../../src/protocol/limits";
import { app } from "../../src/worker/app";
import type { Env } from "../../src/worker/env";
import { mintListId } from "../../src/worker/listIdSeal";
import { saveRoute } from "../../src/worker/saveRoute";
import { BASE, randomIPv4 } from "./request";

const LOCAL = { "cf-connecting-ip": "127.0.0.1" };

/** A save request, built afresh on each call; `body` a function when it can be read only once (a stream). */
function save(path: string, body: BodyInit | null | (() => BodyInit), headers: Record<string, string> = {}, base = BASE): () => Request {
  return () =>
    new Request(`${base}${path}`, { method: "POST", headers: { ...LOCAL, ...headers }, body: typeof body === "function" ? body() : body });
}

const json = (value: unknown, headers: Record<string, string> = {}) =>
  save("/api/items", JSON.stringify(value), { "content-type": "application/json", ...headers });

/** A body sent in pieces with no Content-Length, as a browser's stream would be. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left === 0) return controller.close();
      const piece = Math.min(left, 16 * 1024);
      left -= piece;
      controller.enqueue(new TextEncoder().encode("x".repeat(piece)));
    },
  });
}

interface Answer {
  status: number;
  headers: [string, string][];
  body: unknown;
}

/** What differs between two fresh saves (a new item's id and time, its edit key) put in one spelling. */
function comparable(body: unknown): unknown {
  const saved = body as { item?: { id?: string; createdAt?: string }; editKey?: string };
  if (saved.item === undefined || typeof saved.editKey !== "string") return body;
  return { ...saved, item: { ...saved.item, id: "<id>", createdAt: "<time>" }, editKey: "<key>" };
}

async function read(response: Response, fresh: boolean): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, headers: [...response.headers].sort(), body: fresh ? comparable(body) : body };
}

async function viaApp(request: Request, bindings: Env = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const ownList = await mintListId(env);
const created = await viaApp(save("/api/lists", "{}", { "content-type": "application/json" })());
const namedList = ((await created.json()) as { list: { id: string } }).list.id;
const key = crypto.randomUUID();
await viaApp(json({ title: "replayed", body: "first" }, { "idempotency-key": key })());

type Row = [name: string, send: () => Request, taken: boolean, fresh?: boolean];

const rows: Row[] = [
  ["a good JSON save", json({ title: "lean", body: "route" }), true, true],
  ["a good JSON save over plain HTTP", save("/api/items", '{"title":"plain"}', { "content-type": "application/json" }, "http://127.0.0.1:8787"), true, true],
  ["a save to a named list", save(`/api/lists/${namedList}/items`, '{"title":"named"}', { "content-type": "application/json; charset=utf-8" }), true, true],
  ["JSON that does not parse", save("/api/items", "{", { "content-type": "application/json" }), true],
  ["JSON that breaks the item rules", json({ title: "   ", body: 3 }), true],
  ["an empty JSON body", save("/api/items", null, { "content-type": "application/json" }), true],
  ["a body over the limit by its Content-Length", save("/api/items", "x".repeat(REQUEST_BODY_MAX_BYTES + 1), { "content-type": "application/json" }), true],
  ["a streamed body over the limit", save("/api/items", () => streamed(REQUEST_BODY_MAX_BYTES + 1), { "content-type": "application/json" }), true],
  ["a streamed body within the limit", save("/api/items", () => new Blob(['{"title":"str', 'eamed"}']).stream(), { "content-type": "application/json" }), true, true],
  ["a malformed Idempotency-Key", json({ title: "t" }, { "idempotency-key": "short" }), true],
  ["an idempotent replay", json({ title: "replayed", body: "first" }, { "idempotency-key": key }), true],
  ["an Idempotency-Key reused for other text", json({ title: "other" }, { "idempotency-key": key }), true],
  ["a sealed id no list was made with", save(`/api/lists/${ownList}/items`, '{"title":"t"}', { "content-type": "application/json" }), true],
  ["an id whose seal does not verify", save(`/api/lists/${"A".repeat(38)}/items`, '{"title":"t"}', { "content-type": "application/json" }), false],
  ["an unsealed id", save(`/api/lists/${"B".repeat(22)}/items`, '{"title":"t"}', { "content-type": "application/json" }), false],
  ["a seed form body", save("/api/items", new URLSearchParams({ itemtitle: "form", itemtext: "seed" }), {}), false],
  ["a wrong media type", save("/api/items", '{"title":"t"}', { "content-type": "text/plain" }), false],
  ["a cross-site save", json({ title: "t" }, { origin: "https://evil.example" }), false],
  ["a malformed client address", json({ title: "t" }, { "cf-connecting-ip": "not an address" }), false],
  ["the seed's /save", save("/save", '{"title":"t"}', { "content-type": "application/json" }), false],
];

describe("the lean save route", () => {
  it.each(rows)("answers %s as the app does", async (_name, send, taken, fresh = false) => {
    const lean = await saveRoute(send(), env);
    if (!taken) {
      expect(lean).toBeNull();
      return;
    }
    expect(lean).not.toBeNull();
    expect(await read(lean!, fresh)).toEqual(await read(await viaApp(send()), fresh));
  });

  it("answers an address over its save limit as the app does", async () => {
    const send = json({ title: "limited" }, { "cf-connecting-ip": randomIPv4() });
    const answers: Answer[] = [];
    // The pool's limit is 5 saves a minute (vitest.config.ts); the last two are over it, one to each.
    for (let n = 0; n < 5; n++) expect((await viaApp(send())).status).toBe(201);
    answers.push(await read((await saveRoute(send(), env))!, false), await read(await viaApp(send()), false));
    expect(answers[0]!.status).toBe(429);
    expect(answers[0]).toEqual(answers[1]);
  });

  it.each([
    ["retryable", { retryable: true }],
    ["overloaded", { overloaded: true }],
    ["failing with an error of our own", {}],
  ])("answers a list's object that is %s as the app does", async (_name, flags) => {
    const fail = () => Promise.reject(Object.assign(new Error("Durable Object reset because its code was updated."), flags));
    const stub = new Proxy({}, { get: () => fail });
    const failing = { ...env, LIST_ROOM: { ...env.LIST_ROOM, getByName: () => stub } } as unknown as Env;
    const send = json({ title: "unreachable" });
    const lean = await read((await saveRoute(send(), failing))!, false);
    expect(lean.status).toBeGreaterThanOrEqual(500);
    expect(lean).toEqual(await read(await viaApp(send(), failing), false));
  });
});
