/**
 * State-changing requests that a browser makes for another site are refused
 * (src/worker/guard.ts): a form on evil.example can post to /save without a
 * preflight, so Origin (or, without it, Sec-Fetch-Site) decides.
 */
import { describe, expect, it } from "vitest";
import { BASE, expectRejected, listedIds, request } from "./request";

const form = () => new URLSearchParams({ itemtitle: "from a form", itemtext: "posted" });
const json = () => JSON.stringify({ title: "from a script", body: "posted" });

function post(path: "/api/items" | "/save", headers: Record<string, string>): Promise<Response> {
  return path === "/save"
    ? request(path, { method: "POST", headers, body: form() })
    : request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: json() });
}

describe("cross-site writes", () => {
  it.each([
    ["/api/items", { Origin: "https://evil.example" }],
    ["/save", { Origin: "https://evil.example" }],
    ["/save", { Origin: "https://listroom.test.evil.example" }],
    ["/save", { Origin: "http://listroom.test:8080" }],
    ["/save", { Origin: "null" }],
    ["/api/items", { "Sec-Fetch-Site": "cross-site" }],
    ["/save", { "Sec-Fetch-Site": "cross-site" }],
    ["/save", { Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" }],
  ] as const)("POST %s with %j is a 403 and stores nothing", async (path, headers) => {
    const before = await listedIds();
    const response = await post(path, headers);
    await expectRejected(response, 403, "forbidden_origin");
    expect(await listedIds()).toEqual(before);
  });

  it("the seed's route refuses in its own shape, with the usual error inside", async () => {
    const response = await post("/save", { Origin: "https://evil.example" });
    expect(await response.json()).toMatchObject({ result: "failure", error: { code: "forbidden_origin" } });
  });

  it.each([
    ["the page itself", { Origin: BASE, "Sec-Fetch-Site": "same-origin" }],
    ["curl or a script (neither header)", {}],
    ["a browser that sends only Sec-Fetch-Site: same-origin", { "Sec-Fetch-Site": "same-origin" }],
    ["a navigation typed into the address bar", { "Sec-Fetch-Site": "none" }],
  ])("%s may still write", async (_name, headers) => {
    expect((await post("/api/items", headers)).status).toBe(201);
    expect((await post("/save", headers)).status).toBe(200);
  });

  it("reads from other sites are unaffected (the API is not secret, only writes are guarded)", async () => {
    expect((await request("/api/items?limit=1", { headers: { Origin: "https://evil.example" } })).status).toBe(200);
  });
});
