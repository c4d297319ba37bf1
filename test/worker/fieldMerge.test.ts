/**
 * Changes merge by field over HTTP (docs/PROTOCOL.md, "Editing and removing
 * items"): the writer is named in `Listroom-Writer` (a browser id; anything
 * else is a 400 that changes nothing), a change made on `If-Match: "N"` is
 * refused only for a field another writer changed after N, and the 412 says
 * which fields and carries the item as it is.
 */
import { describe, expect, it } from "vitest";
import { isVersionMismatchBody } from "../../src/protocol/errors";
import { WRITER_HEADER, type Item } from "../../src/protocol/item";
import { expectRejected, postJson, readBack, request } from "./request";

const A = "aaaaaaaa-writer";
const B = "bbbbbbbb-writer";

async function saveBy(writer: string): Promise<{ item: Item; editKey: string }> {
  const response = await postJson({ title: "Milk", body: "" }, { [WRITER_HEADER]: writer });
  expect(response.status).toBe(201);
  return response.json();
}

function patchBy(writer: string | null, item: Item, body: unknown, ifMatch: number | null, key: string | null = null): Promise<Response> {
  return request(`/api/items/${item.id}`, {
    method: "PATCH",
    headers: {
      "content-type": "application/json",
      ...(writer === null ? {} : { [WRITER_HEADER]: writer }),
      ...(ifMatch === null ? {} : { "if-match": `"${ifMatch}"` }),
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(body),
  });
}

async function itemOf(response: Response): Promise<Item> {
  expect(response.status).toBe(200);
  return (await response.json<{ item: Item }>()).item;
}

describe("changes by field", () => {
  it("B's tick and A's title edit made on the same version both land", async () => {
    const { item, editKey } = await saveBy(A);
    await itemOf(await patchBy(B, item, { done: true }, 1));
    const titled = await itemOf(await patchBy(A, item, { title: "Milk (2 litres)" }, 1, editKey));
    expect(titled).toMatchObject({ title: "Milk (2 litres)", done: true, version: 3 });
    expect(await readBack(item.id)).toEqual(titled);
  });

  it("one writer's queued changes, each with the If-Match it was made on, all land in order", async () => {
    const { item, editKey } = await saveBy(A);
    await itemOf(await patchBy(A, item, { done: true }, 1));
    await itemOf(await patchBy(A, item, { body: "cheddar, mature" }, 1, editKey));
    await itemOf(await patchBy(A, item, { title: "Rice 1 kg" }, 1, editKey));
    const last = await itemOf(await patchBy(A, item, { title: "Rice 2 kg" }, 1, editKey));
    expect(last).toMatchObject({ title: "Rice 2 kg", body: "cheddar, mature", done: true, version: 5 });
  });

  it("the same field by two writers: 412 with the fields that collided and the item as it is now", async () => {
    const { item, editKey } = await saveBy(A);
    const now = await itemOf(await patchBy(A, item, { title: "Butter (salted)" }, 1, editKey));
    const refused = await patchBy(B, item, { title: "Butter (unsalted)", done: true }, 1, editKey);
    expect(refused.status).toBe(412);
    const body: unknown = await refused.json();
    expect(isVersionMismatchBody(body)).toBe(true);
    expect(body).toEqual({ error: { code: "version_mismatch", message: expect.stringContaining("title"), fields: ["title"] }, item: now });
    expect(await readBack(item.id)).toEqual(now);
  });

  it("without a writer a change matches nobody: a second change of the field made on the same version is refused", async () => {
    const { item } = await saveBy(A);
    await itemOf(await patchBy(null, item, { done: true }, 1));
    await expectRejected(await patchBy(null, item, { done: false }, 1), 412, "version_mismatch");
    // Without If-Match the last change wins, as before.
    expect(await itemOf(await patchBy(null, item, { done: false }, null))).toMatchObject({ done: false, version: 3 });
  });

  it("DELETE made on version N is refused (412, with the fields) only when another writer changed a field after N", async () => {
    const { item, editKey } = await saveBy(A);
    const ticked = await itemOf(await patchBy(B, item, { done: true }, 1));
    const remove = (writer: string, ifMatch: number) =>
      request(`/api/items/${item.id}`, { method: "DELETE", headers: { authorization: `Bearer ${editKey}`, [WRITER_HEADER]: writer, "if-match": `"${ifMatch}"` } });
    const refused = await remove(A, 1);
    expect(refused.status).toBe(412);
    expect(await refused.json()).toEqual({ error: { code: "version_mismatch", message: expect.any(String), fields: ["done"] }, item: ticked });
    expect((await remove(B, 1)).status).toBe(204);
  });
});

describe("Listroom-Writer", () => {
  const malformed = ["short", "x".repeat(65), "has space in it", "ünïcödé-writer", "semi;colon;writer"];

  it.each(malformed)("%j is 400 invalid_input on a save, and nothing is stored", async (writer) => {
    const title = `refused ${crypto.randomUUID()}`;
    await expectRejected(await postJson({ title }, { [WRITER_HEADER]: writer }), 400, "invalid_input");
    const page = await (await request("/api/items?limit=200")).json<{ items: Item[] }>();
    expect(page.items.some((item) => item.title === title)).toBe(false);
  });

  it.each(malformed)("%j is 400 invalid_input on a change and a removal, and nothing changes", async (writer) => {
    const { item, editKey } = await saveBy(A);
    await expectRejected(await patchBy(writer, item, { done: true }, null), 400, "invalid_input");
    const removal = await request(`/api/items/${item.id}`, { method: "DELETE", headers: { authorization: `Bearer ${editKey}`, [WRITER_HEADER]: writer } });
    await expectRejected(removal, 400, "invalid_input");
    expect(await readBack(item.id)).toEqual(item);
  });
});
