/**
 * Sealed list ids (src/worker/listIdSeal.ts): with LIST_ID_SECRET (the test
 * pool sets one) a list's id carries a MAC, and an id whose MAC does not
 * verify is a 404 before any room is addressed, so it leaves nothing behind.
 */
import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ListInfo } from "../../src/protocol/lists";
import { ownerCheckPath } from "../../src/protocol/ownerCheck";
import { isAddressableListId, mintListId } from "../../src/worker/listIdSeal";
import { overrideVar } from "../room/roomHarness";
import { expectRejected, request } from "./request";

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function randomId(length: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => URL_SAFE[byte % 64]).join("");
}

async function createList(): Promise<{ list: ListInfo; ownerKey: string }> {
  const response = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(response.status).toBe(201);
  return response.json<{ list: ListInfo; ownerKey: string }>();
}

/** Every route that names a list, asked about `id` as a visitor would. */
function everyRoute(id: string): Promise<Response>[] {
  const json = { "content-type": "application/json" };
  const bearer = { authorization: "Bearer someKeyOrOther" };
  return [
    request(`/api/lists/${id}`),
    request(`/l/${id}`),
    request(`/api/lists/${id}/items`),
    request(`/api/lists/${id}/items`, { method: "POST", headers: json, body: JSON.stringify({ title: "t", body: "b" }) }),
    request(`/api/lists/${id}/ws`, { headers: { Upgrade: "websocket" } }),
    request(`/api/lists/${id}`, { method: "PATCH", headers: { ...json, ...bearer }, body: JSON.stringify({ title: "t" }) }),
    request(ownerCheckPath(id), { headers: bearer }),
  ];
}

async function roomsWithStorage(): Promise<string[]> {
  return (await listDurableObjectIds(env.LIST_ROOM)).map((id) => id.toString()).sort();
}

describe("sealed list ids", () => {
  it("a created list's id carries its seal (38 characters), and every route reaches it", async () => {
    const { list } = await createList();
    expect(list.id).toMatch(/^[A-Za-z0-9_-]{38}$/);
    expect(await isAddressableListId(env, list.id)).toBe(true);
    expect((await request(`/api/lists/${list.id}`)).status).toBe(200);
    expect((await request(`/l/${list.id}`)).status).toBe(200);
  });

  it("ids nobody created are 404 on every route, and no room is addressed: nothing is left behind", async () => {
    const { list } = await createList();
    const lastSealChar = list.id.at(-1) === "A" ? "B" : "A";
    const forged = [
      randomId(22), // the shape of an unsealed id
      randomId(38), // the shape of a sealed one, with a seal that does not verify
      randomId(64),
      list.id.slice(0, -1) + lastSealChar, // a real list's id with its seal changed
      randomId(22) + list.id.slice(22), // a real seal on other random bits
    ];
    const before = await roomsWithStorage();
    for (const id of forged) {
      for (const answer of everyRoute(id)) {
        const response = await answer;
        expect(response.status, `${id}: ${response.url}`).toBe(404);
        await response.arrayBuffer();
      }
    }
    expect(await roomsWithStorage()).toEqual(before);

    // The measure means something: an id let through unsealed does leave a room behind.
    overrideVar("ACCEPT_UNSEALED_LIST_IDS", "true");
    await expectRejected(await request(`/api/lists/${randomId(22)}`), 404, "not_found");
    expect((await roomsWithStorage()).length).toBe(before.length + 1);
  });

  it("the default list needs no seal", async () => {
    expect(await isAddressableListId(env, "main")).toBe(true);
    expect((await request("/api/lists/main")).status).toBe(200);
  });

  it("a seal made under another secret does not verify", async () => {
    const id = await mintListId({ LIST_ID_SECRET: "another deployment's secret" });
    expect(await isAddressableListId(env, id)).toBe(false);
    await expectRejected(await request(`/api/lists/${id}`), 404, "not_found");
  });

  it("without the secret, ids are unsealed and any well-formed id is asked about, as before", async () => {
    overrideVar("LIST_ID_SECRET", "");
    const { list } = await createList();
    expect(list.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await request(`/api/lists/${list.id}`)).status).toBe(200);
    expect(await isAddressableListId(env, randomId(30))).toBe(true);
  });

  it("a list made before the secret was set answers 404 with it, unless ACCEPT_UNSEALED_LIST_IDS is true", async () => {
    const restoreSecret = overrideVar("LIST_ID_SECRET", "");
    const { list } = await createList();
    restoreSecret();
    expect(env.ACCEPT_UNSEALED_LIST_IDS).toBe("false");
    await expectRejected(await request(`/api/lists/${list.id}`), 404, "not_found");
    overrideVar("ACCEPT_UNSEALED_LIST_IDS", "true");
    const reachable = await request(`/api/lists/${list.id}`);
    expect(reachable.status).toBe(200);
    expect((await reachable.json<{ list: ListInfo }>()).list).toEqual(list);
  });
});
