/**
 * The edge limits under the real `wrangler dev`: the Rate Limiting binding
 * counts there as it does at the edge, and with EXEMPT_LOOPBACK off (as a
 * self-hosted deployment sets it) even 127.0.0.1 is limited. Over real
 * sockets, so upgrades are real HTTP/1.1 upgrades.
 */
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddressLimit } from "../../src/worker/addressLimits";
import type { WranglerDev as DevServer } from "../../tools/harness/wranglerDev";
import { startDevServer } from "./devServer";

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ vars: { EXEMPT_LOOPBACK: "false" } });
});

afterAll(async () => {
  await server?.stop();
});

/** Two fixed windows of the largest limit flooded here (reads, 30), so a flood straddling a window edge is still refused. */
const MAX_TRIES = 70;

/** A WebSocket upgrade request; resolves with the status (101 when it upgraded) and closes the socket at once. */
function upgradeStatus(headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL("/ws", server.baseUrl);
    const req = httpRequest(url, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
        ...headers,
      },
      timeout: 10_000,
    });
    req.on("upgrade", (_response, socket) => {
      socket.destroy();
      resolve({ status: 101, body: "" });
    });
    req.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("upgrade timed out")));
    req.on("error", reject);
    req.end();
  });
}

describe("limits under wrangler dev, loopback not exempt", () => {
  it("reads from one address are refused with 429 and Retry-After once over the limit", async () => {
    let refused: Response | null = null;
    for (let n = 0; n < MAX_TRIES && refused === null; n++) {
      const response = await fetch(`${server.baseUrl}/api/items?limit=1`);
      if (response.status === 429) refused = response;
      else {
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    expect(refused).not.toBeNull();
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused!.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await refused!.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("connect-and-drop is refused: upgrade attempts are counted, not only open sockets", async () => {
    const address = { "cf-connecting-ip": "203.0.113.77" };
    let last = { status: 0, body: "" };
    for (let n = 0; n < MAX_TRIES; n++) {
      last = await upgradeStatus(address);
      if (last.status !== 101) break;
    }
    expect(last.status).toBe(429);
    expect(JSON.parse(last.body)).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("an overlong client address is a 400 on upgrade, not a 500 after the session was written", async () => {
    const { status, body } = await upgradeStatus({ "cf-connecting-ip": "1".repeat(300) });
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "invalid_input" } });
  });

  it("list creation is counted per address by its own Durable Object: the 21st in an hour is a 429", async () => {
    const create = () =>
      fetch(`${server.baseUrl}/api/lists`, { method: "POST", headers: { "cf-connecting-ip": "203.0.113.79" } });
    for (let n = 0; n < 20; n++) {
      const response = await create();
      expect(response.status).toBe(201);
      await response.arrayBuffer();
    }
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3_500);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("a cross-site form post to /save is a 403", async () => {
    const response = await fetch(`${server.baseUrl}/save`, {
      method: "POST",
      headers: { origin: "https://evil.example", "cf-connecting-ip": "203.0.113.78" },
      body: new URLSearchParams({ itemtitle: "csrf", itemtext: "b" }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden_origin" } });
  });
});

describe("wrangler.toml", () => {
  it("configures each per-address limit with the period the Worker puts in Retry-After", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    for (const { binding, periodSeconds } of Object.values(AddressLimit)) {
      const entry = new RegExp(`name = "${binding}"\\s+namespace_id = "\\d+"\\s+simple = \\{ limit = \\d+, period = (\\d+) \\}`).exec(toml);
      expect(entry, binding).not.toBeNull();
      expect(Number(entry![1]), binding).toBe(periodSeconds);
    }
  });
});
