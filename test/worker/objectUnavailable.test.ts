/**
 * A list's object that the platform cannot reach (restarting, moving, a
 * dropped connection, overloaded) is answered 503 with Retry-After, never 500.
 * workerd here never fails that way on its own, so the Worker runs with a
 * LIST_ROOM namespace whose stubs fail as the platform documents
 * (`.retryable`, `.overloaded`); every other binding is the real one.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors";
import { app } from "../../src/worker/app";
import { RETRY_AFTER_S, unavailableFor } from "../../src/shared/objectUnavailable";
import { BASE } from "./request";

function failingRooms(flags: { retryable?: boolean; overloaded?: boolean }) {
  const fail = () => Promise.reject(Object.assign(new Error("Durable Object reset because its code was updated."), flags));
  const stub = new Proxy({}, { get: () => fail });
  return { ...env, LIST_ROOM: { ...env.LIST_ROOM, getByName: () => stub } as unknown as typeof env.LIST_ROOM };
}

async function get(path: string, flags: { retryable?: boolean; overloaded?: boolean }): Promise<Response> {
  const headers = { "cf-connecting-ip": "127.0.0.1" };
  return app.request(`${BASE}${path}`, { headers }, failingRooms(flags));
}

describe("a list's object the platform cannot reach", () => {
  it("answers 503 unavailable with a short Retry-After when the failure is retryable", async () => {
    const response = await get("/api/items", { retryable: true });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe(String(RETRY_AFTER_S.retryable));
    const body = await response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(ErrorCode.Unavailable);
  });

  it("asks for a longer wait when the object is overloaded", async () => {
    const response = await get("/api/items", { overloaded: true, retryable: false });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe(String(RETRY_AFTER_S.overloaded));
  });

  it("still answers 500 for an error of our own", async () => {
    const response = await get("/api/items", {});
    expect(response.status).toBe(500);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe(ErrorCode.Internal);
  });

  it("tells the platform's failures from others", () => {
    expect(unavailableFor(Object.assign(new Error("x"), { retryable: true }))).toBe(RETRY_AFTER_S.retryable);
    expect(unavailableFor(Object.assign(new Error("x"), { overloaded: true, retryable: true }))).toBe(RETRY_AFTER_S.overloaded);
    expect(unavailableFor(new Error("x"))).toBeNull();
    expect(unavailableFor("retryable")).toBeNull();
  });
});
