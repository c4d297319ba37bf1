import { describe, expect, it } from "vitest";
import { createList, readList, renameList, sentence } from "../../../src/client/core/listsApi";

const LIST = { id: "Xq3v9V0kP2bT7rWm1sLd8A", title: "Trip", createdAt: "2026-11-29T10:00:00.000Z" };

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records the request and answers with `status` and `body`. */
function fakeFetch(status: number, body: unknown, calls: Call[], headers: Record<string, string> = {}): typeof fetch {
  return async (input, init) => {
    calls.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  };
}

describe("the lists API as the page uses it", () => {
  it("creates a list, leaving an empty title to the server", async () => {
    const calls: Call[] = [];
    const answer = await createList(fakeFetch(201, { list: LIST, ownerKey: "key" }, calls), "");
    expect(answer).toEqual({ ok: true, list: LIST, ownerKey: "key" });
    expect(calls).toEqual([{ url: "/api/lists", method: "POST", headers: { "content-type": "application/json" }, body: {} }]);
    await createList(fakeFetch(201, { list: LIST, ownerKey: "key" }, calls), "Trip");
    expect(calls[1]!.body).toEqual({ title: "Trip" });
  });

  it("renames with the owner key as a bearer token, at the list's own address", async () => {
    const calls: Call[] = [];
    const answer = await renameList(fakeFetch(200, { list: LIST }, calls), LIST.id, "Trip", "owner-key");
    expect(answer).toEqual({ ok: true, list: LIST });
    expect(calls[0]).toMatchObject({
      url: `/api/lists/${LIST.id}`,
      method: "PATCH",
      headers: { authorization: "Bearer owner-key" },
      body: { title: "Trip" },
    });
  });

  it("hands back the server's message when refused, with Retry-After when there is one", async () => {
    const refused = { error: { code: "forbidden", message: "that is not this list's owner key" } };
    expect(await renameList(fakeFetch(403, refused, []), LIST.id, "x", "k")).toEqual({
      ok: false,
      status: 403,
      message: "that is not this list's owner key",
    });
    const limited = { error: { code: "rate_limited", message: "too many new lists" } };
    const answer = await createList(fakeFetch(429, limited, [], { "retry-after": "60" }), "");
    expect(answer).toMatchObject({ ok: false, status: 429, message: "too many new lists (try again in 60 s)" });
  });

  it("says so when the server cannot be reached, or its answer cannot be read", async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    expect(await readList(offline, LIST.id)).toMatchObject({ ok: false, status: 0, message: expect.stringMatching(/could not be reached/) });
    expect(await readList(fakeFetch(200, { list: { id: 1 } }, []), LIST.id)).toMatchObject({ ok: false, status: 200 });
  });

  it("reads the default list at its info address", async () => {
    const calls: Call[] = [];
    await readList(fakeFetch(200, { list: { ...LIST, id: "main" } }, calls), "main");
    expect(calls[0]!.url).toBe("/api/lists/main");
  });

  it("shows messages as sentences", () => {
    expect(sentence("title must not be empty")).toBe("Title must not be empty.");
    expect(sentence("too many (try again in 3 s)")).toBe("Too many (try again in 3 s)");
  });
});
