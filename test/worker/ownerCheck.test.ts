/** `GET /api/lists/{id}/owner`: whether a key owns a list, asked without changing anything. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ListInfo } from "../../src/protocol/lists";
import { ownerCheckPath } from "../../src/protocol/ownerCheck";
import { expectRejected, request } from "./request";

async function createList(): Promise<{ list: ListInfo; ownerKey: string }> {
  const response = await request("/api/lists", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "Owned" }),
  });
  return response.json<{ list: ListInfo; ownerKey: string }>();
}

function check(listId: string, key: string | null): Promise<Response> {
  return request(ownerCheckPath(listId), { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
}

describe("the owner check", () => {
  it("204 for the list's owner key, 403 for any other, and the list is as it was", async () => {
    const { list, ownerKey } = await createList();
    const owner = await check(list.id, ownerKey);
    expect(owner.status).toBe(204);
    expect(await owner.text()).toBe("");
    expect(owner.headers.get("cache-control")).toBe("no-store");
    await expectRejected(await check(list.id, "notTheOwnerKey"), 403, "forbidden");
    await expectRejected(await check(list.id, `${ownerKey}x`), 403, "forbidden");
    // Another list's key owns only that list.
    await expectRejected(await check(list.id, (await createList()).ownerKey), 403, "forbidden");
    const info = await (await request(`/api/lists/${list.id}`)).json<{ list: ListInfo }>();
    expect(info.list).toEqual(list);
  });

  it("the default list's owner is whoever holds OWNER_KEY", async () => {
    expect((await check("main", env.OWNER_KEY!)).status).toBe(204);
    await expectRejected(await check("main", "notTheOwnerKey"), 403, "forbidden");
  });

  it("401 without a key, 404 for a list nobody made or an id that cannot be one", async () => {
    const { list } = await createList();
    const missing = await check(list.id, null);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    await expectRejected(missing, 401, "unauthorized");
    await expectRejected(await check("never-made-0123456789abcdef", "anyKey"), 404, "not_found");
    await expectRejected(await request("/api/lists/no!/owner", { headers: { authorization: "Bearer anyKey" } }), 404, "not_found");
  });

  it("is not a write: POST is not a route", async () => {
    const { list, ownerKey } = await createList();
    const response = await request(ownerCheckPath(list.id), { method: "POST", headers: { authorization: `Bearer ${ownerKey}` } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await response.arrayBuffer();
  });
});
