/**
 * The Worker's per-address limits (src/worker/guard.ts), counted by the Rate
 * Limiting binding before the room is reached. Its windows are fixed, so a
 * flood may straddle two of them: each test allows up to two windows' worth
 * before it expects a refusal, and uses addresses no other test uses.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { expectRejected, listedIds, postJson, randomIPv4, randomIPv6Prefix, rawRequest, request } from "./request";

/** Generous bounds: two fixed windows of the limits in wrangler.toml (and the pool's save limit). */
const MAX_TRIES = 100;

/** Sends `send(n)` until it is refused or MAX_TRIES pass; returns the refusal and how many passed. */
async function floodUntilRefused(send: (n: number) => Promise<Response>): Promise<{ refused: Response | null; passed: number }> {
  for (let n = 0; n < MAX_TRIES; n++) {
    const response = await send(n);
    if (response.status === 429) return { refused: response, passed: n };
    expect(response.status).toBeLessThan(400);
    if (response.webSocket) {
      response.webSocket.accept();
      response.webSocket.close(1000);
    } else {
      await response.arrayBuffer();
    }
  }
  return { refused: null, passed: MAX_TRIES };
}

async function expectRetryLater(response: Response | null): Promise<void> {
  expect(response).not.toBeNull();
  expect(Number(response!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  await expectRejected(response!, 429, "rate_limited");
}

const save = (address: string, n: number) => postJson({ title: `flood ${n}`, body: "x" }, { "cf-connecting-ip": address });
const upgrade = (address: string) => request("/ws", { headers: { Upgrade: "websocket", "cf-connecting-ip": address } });

describe("per-address limits", () => {
  it.each(["/api/items", "/api/items?limit=1", "/api/items?q=flood", "/list"])("reads of %s from one address are limited", async (path) => {
    const address = randomIPv4();
    const { refused } = await floodUntilRefused(() => request(path, { headers: { "cf-connecting-ip": address } }));
    await expectRetryLater(refused);
    expect((await request(path, { headers: { "cf-connecting-ip": randomIPv4() } })).status).toBe(200);
  });

  it("upgrade attempts are limited, not only open sockets: connect-and-drop is refused", async () => {
    const address = randomIPv4();
    const { refused } = await floodUntilRefused(() => upgrade(address));
    await expectRetryLater(refused);
    expect((await upgrade(randomIPv4())).status).toBe(101);
  });

  it("saves from one address are limited, through the API and the seed's route, and nothing refused is stored", async () => {
    const address = randomIPv4();
    const { refused } = await floodUntilRefused((n) => save(address, n));
    await expectRetryLater(refused);
    const before = await listedIds();
    const seed = await request("/save", {
      method: "POST",
      headers: { "cf-connecting-ip": address },
      body: new URLSearchParams({ itemtitle: "seed flood", itemtext: "b" }),
    });
    expect(seed.status).toBe(429);
    expect(await seed.json()).toMatchObject({ result: "failure", error: { code: "rate_limited" } });
    expect(await listedIds()).toEqual(before);
    expect((await save(randomIPv4(), 0)).status).toBe(201);
  });

  it("an IPv6 /64 counts as one address: rotating through it does not escape the limit", async () => {
    const prefix = randomIPv6Prefix();
    const { refused } = await floodUntilRefused((n) => save(`${prefix}:${(n + 1).toString(16)}::${n.toString(16)}`, n));
    await expectRetryLater(refused);
    expect((await save(`${randomIPv6Prefix()}::1`, 0)).status).toBe(201);
  });

  it("requests without CF-Connecting-IP share one limit instead of none", async () => {
    const { refused } = await floodUntilRefused(() => rawRequest("/api/items?limit=1"));
    await expectRetryLater(refused);
  });

  it("loopback clients are exempt by default (EXEMPT_LOOPBACK), for local development", async () => {
    expect(env.EXEMPT_LOOPBACK).toBe("true");
    for (const address of ["127.0.0.1", "::1", "127.8.9.1"]) {
      for (let n = 0; n < MAX_TRIES; n++) {
        const response = await request("/api/items?limit=1", { headers: { "cf-connecting-ip": address } });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
  });
});

describe("the client address header", () => {
  it.each([
    ["300 characters", "1".repeat(300)],
    ["a name", "localhost"],
    ["two addresses", "203.0.113.1, 203.0.113.2"],
    ["an IPv4 address out of range", "203.0.113.256"],
    ["IPv6 with a zone", "fe80::1%eth0"],
    ["empty", ""],
  ])("%s is a 400 before anything is written", async (_name, address) => {
    const before = await listedIds();
    await expectRejected(await save(address, 0), 400, "invalid_input");
    await expectRejected(await upgrade(address), 400, "invalid_input");
    await expectRejected(await request("/api/items", { headers: { "cf-connecting-ip": address } }), 400, "invalid_input");
    expect(await listedIds()).toEqual(before);
  });

  it("accepts IPv4 and IPv6 addresses as Cloudflare writes them", async () => {
    for (const address of ["203.0.113.7", "2001:db8::7", "2001:DB8:0:0:1::7", "::ffff:203.0.113.8"]) {
      const response = await save(address, 0);
      expect(response.status).toBe(201);
      expect((await response.json<{ item: Item }>()).item.title).toBe("flood 0");
    }
  });
});
