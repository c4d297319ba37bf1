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

/** The page's Content-Security-Policy as public/_headers gives it to every static file. */
async function staticFilePolicy(): Promise<string> {
  const response = await request("/styles.css");
  await response.arrayBuffer();
  return response.headers.get("content-security-policy") ?? "";
}

async function createdList(): Promise<{ id: string; ownerKey: string }> {
  const response = await request("/api/lists", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "Headers" }),
  });
  const { list, ownerKey } = await response.json<{ list: { id: string }; ownerKey: string }>();
  return { id: list.id, ownerKey };
}

describe("HTML answers: CSP with frame-ancestors, Referrer-Policy", () => {
  it.each([
    ["the page", async () => "/", 200],
    ["the page as /index.html", async () => "/index.html", 200],
    ["a list's page", async () => `/l/${(await createdList()).id}`, 200],
    ["the 404 page of a list nobody made", async () => "/l/never-made-0123456789abcdef", 404],
  ])("%s carries the page's policy, frame-ancestors 'none' and Referrer-Policy: same-origin", async (_name, path, status) => {
    const response = await request(await path());
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toContain("text/html");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toBe(await staticFilePolicy());
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    await response.arrayBuffer();
  });
});

describe("Cross-Origin-Opener-Policy: same-origin on every answer", () => {
  it.each([
    ["a list read", () => request("/api/items?limit=1")],
    ["a save", () => postJson({ title: "coop", body: "b" })],
    ["a refusal", () => postJson("{")],
    ["an unknown path", () => request("/api/nothing")],
    ["a list's info", () => request("/api/lists/main")],
    ["the page", () => request("/")],
    ["the 404 page", () => request("/l/never-made-0123456789abcdef")],
    ["the stylesheet", () => request("/styles.css")],
    ["the page's script", () => request("/app.js")],
    ["the manifest", () => request("/manifest.webmanifest")],
    ["a socket's refusal from the room", () => request("/api/lists/never-made-0123456789abcdef/ws", { headers: { Upgrade: "websocket" } })],
  ])("%s", async (_name, send) => {
    const response = await send();
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    await response.arrayBuffer();
  });

  it("a socket upgrade (101) too", async () => {
    const response = await request("/ws", { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(101);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    response.webSocket!.accept();
    response.webSocket!.close(1000);
  });
});

describe("a list's page has a validator of its own", () => {
  it("not /'s ETag, not public, a new ETag after a rename, and 304 for the one the browser holds", async () => {
    const { id, ownerKey } = await createdList();
    const shell = await request("/");
    await shell.arrayBuffer();
    const page = await request(`/l/${id}`);
    expect(await page.text()).toContain("<h1>Headers</h1>");
    const etag = page.headers.get("etag");
    expect(etag).toBeTruthy();
    expect(etag).not.toBe(shell.headers.get("etag"));
    expect(page.headers.get("cache-control")).not.toContain("public");
    expect(page.headers.get("cache-control")).toContain("no-cache");

    const again = await request(`/l/${id}`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");

    const other = await request(`/l/${(await createdList()).id}`);
    expect(other.headers.get("etag")).not.toBe(etag);
    await other.arrayBuffer();

    const renamed = await request(`/api/lists/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${ownerKey}` },
      body: JSON.stringify({ title: "Renamed" }),
    });
    expect(renamed.status).toBe(200);
    await renamed.arrayBuffer();
    const after = await request(`/l/${id}`, { headers: { "if-none-match": etag! } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(await after.text()).toContain("<h1>Renamed</h1>");
  });
});
