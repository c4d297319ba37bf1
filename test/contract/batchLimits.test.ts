/**
 * The batch's numbers of docs/PROTOCOL.md ("Several items at once", Limits),
 * written out: 200 lines in one request, refused at 201 with `invalid_input`
 * and nothing stored; the answer's shape; a bad line's number as `line`.
 */
import { describe, expect, it } from "vitest";
import type { ListInfo } from "../../src/protocol/lists";
import { expectRejected, request } from "../worker/request";

async function newListItems(): Promise<string> {
  const response = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return `/api/lists/${(await response.json<{ list: ListInfo }>()).list.id}/items`;
}

const post = (path: string, body: unknown) =>
  request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const lines = (count: number) => ({ items: Array.from({ length: count }, (_, n) => ({ title: `line ${n + 1}` })) });

async function count(path: string): Promise<number> {
  return (await (await request(`${path}?limit=200`)).json<{ items: unknown[] }>()).items.length;
}

describe("lines in one batch (PROTOCOL.md, Limits: 200)", () => {
  it("takes 200 lines, answering 201 with items and editKeys of 200 each", async () => {
    const path = await newListItems();
    const response = await post(path, lines(200));
    expect(response.status).toBe(201);
    const body = await response.json<{ items: { title: string }[]; editKeys: string[] }>();
    expect(Object.keys(body).sort()).toEqual(["editKeys", "items"]);
    expect([body.items.length, body.editKeys.length]).toEqual([200, 200]);
    expect(body.items[0]!.title).toBe("line 1");
    expect(await count(path)).toBe(200);
  });

  it("refuses 201 lines with 400 invalid_input and stores none", async () => {
    const path = await newListItems();
    await expectRejected(await post(path, lines(201)), 400, "invalid_input");
    expect(await count(path)).toBe(0);
  });

  it('names a bad line by its number from 1, in the message and as "line"', async () => {
    const path = await newListItems();
    const response = await post(path, { items: [{ title: "a" }, { title: "b" }, { title: "" }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "invalid_input", message: "line 3: title: Title must not be empty", line: 3 } });
  });
});
