/** nosniff on every response, HSTS only over HTTPS (src/worker/headers.ts, public/_headers). */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HSTS_VALUE } from "../../src/worker/headers";
import { postJson, request } from "./request";

describe("security headers", () => {
  it.each([
    ["a list read", () => request("/api/items?limit=1")],
    ["a save", () => postJson({ title: "headers", body: "b" })],
    ["a refusal", () => postJson("{")],
    ["an unknown path", () => request("/api/nothing")],
    ["the seed's list", () => request("/list")],
    ["the page", () => request("/")],
    ["the stylesheet", () => request("/styles.css")],
    ["the page's script", () => request("/app.js")],
  ])("%s carries X-Content-Type-Options: nosniff", async (_name, send) => {
    const response = await send();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    await response.arrayBuffer();
  });

  it.each([["/api/items?limit=1"], ["/"]])("%s over HTTPS carries HSTS", async (path) => {
    const response = await request(path);
    expect(response.headers.get("strict-transport-security")).toBe(HSTS_VALUE);
    await response.arrayBuffer();
  });

  it.each([["/api/items?limit=1"], ["/"]])("%s over plain HTTP (wrangler dev on 127.0.0.1) carries no HSTS", async (path) => {
    const response = await exports.default.fetch(
      new Request(`http://127.0.0.1:8787${path}`, { headers: { "cf-connecting-ip": "127.0.0.1" } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBeNull();
    await response.arrayBuffer();
  });

  it("the page keeps its own caching headers; API answers are no-store", async () => {
    const page = await request("/");
    expect(page.headers.get("cache-control")).not.toBe("no-store");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    await page.arrayBuffer();
    const api = await request("/api/items?limit=1");
    expect(api.headers.get("cache-control")).toBe("no-store");
    await api.arrayBuffer();
  });
});
