import { describe, expect, it } from "vitest";
import { expectRejected, request } from "./request";

function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, { headers: { Upgrade: "websocket", ...headers } });
}

describe("GET /ws", () => {
  it("upgrades a same-site request and sends a welcome", async () => {
    const response = await upgrade("/ws", { Origin: "https://listroom.test" });
    expect(response.status).toBe(101);
    const ws = response.webSocket!;
    const first = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    ws.accept();
    expect(JSON.parse(await first)).toMatchObject({ type: "welcome", resumed: false });
    ws.close(1000);
  });

  it("upgrades a request with no Origin (a non-browser client)", async () => {
    const response = await upgrade("/ws");
    expect(response.status).toBe(101);
    response.webSocket!.accept();
    response.webSocket!.close(1000);
  });

  it.each(["https://evil.example", "https://listroom.test.evil.example", "null"])(
    "refuses an upgrade from Origin %s with 403",
    async (origin) => {
      await expectRejected(await upgrade("/ws", { Origin: origin }), 403, "forbidden_origin");
    },
  );

  it("answers a plain GET with 426", async () => {
    await expectRejected(await request("/ws"), 426, "upgrade_required");
  });

  it("takes a browser id, and refuses a malformed one with 400", async () => {
    const response = await upgrade("/ws?browser=Abc_123-xyz");
    expect(response.status).toBe(101);
    response.webSocket!.accept();
    response.webSocket!.close(1000);
    for (const query of ["?browser=short", `?browser=${"a".repeat(65)}`, "?browser=has%20space", "?browser="]) {
      await expectRejected(await upgrade(`/ws${query}`), 400, "invalid_input");
    }
  });

  it.each(["?resume=abc", "?resume=abc&last=-1", "?resume=abc&last=x", "?last=1e3"])(
    "rejects malformed resume parameters %s with 400",
    async (query) => {
      await expectRejected(await upgrade(`/ws${query}`), 400, "invalid_input");
    },
  );
});
