/**
 * Property: changes over HTTP merge by field exactly as docs/PROTOCOL.md says
 * (Editing and removing items), judged by a model written from the document
 * (DocumentedItem in documentedRules.ts), not from the server's merge rule:
 * random sequences of edits and ticks by a few writers, with and without
 * `If-Match`, each answered 200 with the model's item or 412 with the
 * model's fields and the item as it is. And hostile `Listroom-Writer` and
 * `If-Match` values, and random item paths for `GET` on one item, get the
 * documented answer, never a 5xx, and change nothing when refused.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isErrorBody, isVersionMismatchBody } from "../../src/protocol/errors";
import { WRITER_HEADER, type Item } from "../../src/protocol/item";
import { postJson, request } from "../worker/request";
import { awkwardText } from "./arbitraries";
import { DocumentedItem, documentedIfMatch, documentedWriter } from "./documentedRules";

const WRITERS = ["writer-aaaa", "writer-bbbb", null] as const;

const change = fc.record({
  writer: fc.constantFrom(...WRITERS),
  patch: fc.oneof(
    fc.record({ done: fc.boolean() }),
    fc.record({ title: fc.constantFrom("Milk", "Oat milk", "Butter") }),
    fc.record({ body: fc.constantFrom("", "two litres", "cheddar") }),
    fc.record({ title: fc.constantFrom("Milk", "Rice"), done: fc.boolean() }),
    fc.record({ body: fc.constantFrom("", "1 kg"), title: fc.constantFrom("Milk", "Rice 2 kg") }, { requiredKeys: [] }).filter((patch) => Object.keys(patch).length > 0),
  ),
  /** How many versions back the change was made: null for no If-Match. */
  behind: fc.option(fc.nat(3), { nil: null }),
});

/** A header value a Request can carry: printable ASCII and Latin-1, no line breaks. */
const headerValue = awkwardText.map((text) => text.replace(/[^\t\x20-\x7e\xa0-\xff]/g, "")).filter((text) => text.trim().length > 0);

async function saved(writer: string | null): Promise<Item> {
  const response = await postJson({ title: "Milk", body: "" }, writer === null ? {} : { [WRITER_HEADER]: writer });
  return (await response.json<{ item: Item }>()).item;
}

function patchRequest(item: Item, body: unknown, headers: Record<string, string>): Promise<Response> {
  return request(`/api/items/${item.id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${env.OWNER_KEY}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe("hostile changes", () => {
  it("30 random sequences of edits and ticks by three writers are answered as the document's merge rule says", async () => {
    let refused = 0;
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WRITERS), fc.array(change, { minLength: 1, maxLength: 8 }), async (creator, changes) => {
        const item = await saved(creator);
        const model = new DocumentedItem("Milk", "", creator);
        for (const { writer, patch, behind } of changes) {
          const expected = behind === null ? null : Math.max(1, model.version - behind);
          const headers = { ...(writer === null ? {} : { [WRITER_HEADER]: writer }), ...(expected === null ? {} : { "if-match": `"${expected}"` }) };
          const verdict = model.change(patch, expected, writer);
          const response = await patchRequest(item, patch, headers);
          const body: unknown = await response.json();
          expect(response.status).toBe(verdict.status);
          const now = verdict.status === 412 ? (isVersionMismatchBody(body) ? body.item : null) : (body as { item: Item }).item;
          if (verdict.status === 412) {
            refused++;
            expect(isVersionMismatchBody(body) && body.error.fields).toEqual(verdict.fields);
          } else applied++;
          expect(now).toMatchObject({ ...model.values, version: model.version });
        }
      }),
      { numRuns: 30 },
    );
    // A run with no refusal, or nothing applied, would prove little.
    expect(refused).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(refused);
  }, 60_000);

  it("random Listroom-Writer and If-Match values: a malformed one is 400 invalid_input and changes nothing, a good one is judged", async () => {
    const item = await saved("writer-aaaa");
    await fc.assert(
      fc.asyncProperty(fc.option(headerValue, { nil: null }), fc.option(fc.oneof(headerValue, fc.nat(5).map((n) => `"${n}"`)), { nil: null }), async (writer, ifMatch) => {
        const before = await (await request(`/api/items/${item.id}`)).json<{ item: Item }>();
        const headers = { ...(writer === null ? {} : { [WRITER_HEADER]: writer }), ...(ifMatch === null ? {} : { "if-match": ifMatch }) };
        const response = await patchRequest(item, { done: !before.item.done }, headers);
        const body: unknown = await response.json();
        const wellFormed = (writer === null || documentedWriter(writer)) && (ifMatch === null || documentedIfMatch(ifMatch) !== null);
        if (!wellFormed) {
          expect(response.status).toBe(400);
          expect(isErrorBody(body) && body.error.code).toBe("invalid_input");
          expect(await (await request(`/api/items/${item.id}`)).json()).toEqual(before);
        } else {
          expect([200, 412]).toContain(response.status);
        }
      }),
      { numRuns: 120 },
    );
  }, 60_000);

  it("GET on random item paths is 200 with the item or a JSON 404, never a 5xx", async () => {
    const item = await saved(null);
    await fc.assert(
      fc.asyncProperty(fc.oneof(awkwardText, fc.constant(item.id), fc.constant(`${item.id}x`)), async (id) => {
        const response = await request(`/api/items/${encodeURIComponent(id.toWellFormed())}`);
        const body: unknown = await response.json();
        if (id === item.id) {
          expect(response.status).toBe(200);
          expect(response.headers.get("etag")).toBe(`"${item.version}"`);
          expect(body).toEqual({ item });
          return;
        }
        expect(response.status).toBe(404);
        expect(isErrorBody(body) && body.error.code).toBe("not_found");
      }),
      { numRuns: 150 },
    );
  });
});
