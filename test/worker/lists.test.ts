import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseServerFrame, type ServerFrame } from "../../src/protocol/frames";
import type { Item } from "../../src/protocol/item";
import type { ListInfo } from "../../src/protocol/lists";
import { expectRejected, request } from "./request";

interface Created {
  list: ListInfo;
  ownerKey: string;
}

async function createList(body?: unknown): Promise<Created> {
  const response = await request("/api/lists", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return response.json<Created>();
}

function postItem(path: string, title: string): Promise<Response> {
  return request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body: `${title} body` }),
  });
}

async function titles(path: string): Promise<string[]> {
  const response = await request(path);
  expect(response.status).toBe(200);
  return (await response.json<{ items: Item[] }>()).items.map((item) => item.title);
}

function rename(id: string, title: string, key?: string): Promise<Response> {
  return request(`/api/lists/${id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ title }),
  });
}

/** Opens a socket on `path` and collects its frames. */
async function openSocket(path: string): Promise<{ frames: ServerFrame[]; ws: WebSocket; next(type: string): Promise<ServerFrame> }> {
  const response = await request(path, { headers: { Upgrade: "websocket" } });
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.addEventListener("message", (event) => {
    const parsed = parseServerFrame(String(event.data));
    if (parsed.ok) frames.push(parsed.frame);
    waiters.splice(0).forEach((wake) => wake());
  });
  ws.accept();
  const next = async (type: string) => {
    for (;;) {
      const index = frames.findIndex((frame) => frame.type === type);
      if (index >= 0) return frames.splice(index, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error(`no ${type} frame within 2 s`)), 2_000);
      });
    }
  };
  return { frames, ws, next };
}

describe("POST /api/lists", () => {
  it("creates a list with a URL-safe id of at least 128 bits and an owner key", async () => {
    const { list, ownerKey } = await createList({ title: "  Trip to Lisbon  " });
    expect(list.id).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    expect(list.id).not.toBe("main");
    expect(ownerKey).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(list.title).toBe("Trip to Lisbon");
    expect(Date.parse(list.createdAt)).not.toBeNaN();
    // Stored, not echoed.
    const read = await request(`/api/lists/${list.id}`);
    expect(await read.json()).toEqual({ list });
  });

  it('a list without a title is an "Untitled list"; two lists never share an id', async () => {
    const [a, b] = await Promise.all([createList(), createList({})]);
    expect(a.list.title).toBe("Untitled list");
    expect(b.list.title).toBe("Untitled list");
    expect(a.list.id).not.toBe(b.list.id);
    expect(a.ownerKey).not.toBe(b.ownerKey);
  });

  it.each([
    [{ title: "" }, 400, "invalid_input"],
    [{ title: "   " }, 400, "invalid_input"],
    [{ title: "x".repeat(101) }, 400, "invalid_input"],
    [{ title: "two\nlines" }, 400, "invalid_input"],
    [{ title: 7 }, 400, "invalid_input"],
  ])("refuses %j with %i", async (body, status, code) => {
    await expectRejected(
      await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      status,
      code,
    );
  });

  it("refuses a body that is not JSON", async () => {
    await expectRejected(
      await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
      400,
      "invalid_json",
    );
  });

  it("accepts exactly 100 characters of title", async () => {
    expect((await createList({ title: "é".repeat(100) })).list.title).toBe("é".repeat(100));
  });
});

describe("GET /api/lists/{id}", () => {
  it("a list never created is a 404, and asking wrote nothing anywhere", async () => {
    const id = "NeverCreated0000000000";
    await expectRejected(await request(`/api/lists/${id}`), 404, "not_found");
    await expectRejected(await request(`/api/lists/${id}/items`), 404, "not_found");
    await expectRejected(await request(`/api/lists/${id}/ws`, { headers: { Upgrade: "websocket" } }), 404, "not_found");
    await expectRejected(await postItem(`/api/lists/${id}/items`, "x"), 404, "not_found");
    const tables = await runInDurableObject(env.LIST_ROOM.getByName(id), (_, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master").toArray(),
    );
    expect(tables).toEqual([]);
  });

  it("an id that could never be issued is a 404 without asking any list", async () => {
    await expectRejected(await request("/api/lists/short"), 404, "not_found");
    await expectRejected(await request(`/api/lists/${"x".repeat(65)}`), 404, "not_found");
  });
});

describe("PATCH /api/lists/{id}", () => {
  it("the owner renames the list; no key is a 401, a wrong key a 403, and neither changes it", async () => {
    const { list, ownerKey } = await createList({ title: "Before" });
    const missing = await rename(list.id, "Nope");
    await expectRejected(missing, 401, "unauthorized");
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    await expectRejected(await rename(list.id, "Nope", "wrong-key-wrong-key-wrong-key"), 403, "forbidden");
    const other = await createList();
    await expectRejected(await rename(list.id, "Nope", other.ownerKey), 403, "forbidden");

    const renamed = await rename(list.id, "  After  ", ownerKey);
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toEqual({ list: { ...list, title: "After" } });
    expect(await (await request(`/api/lists/${list.id}`)).json()).toEqual({ list: { ...list, title: "After" } });
  });

  it("a bad title is a 400 for the owner", async () => {
    const { list, ownerKey } = await createList();
    await expectRejected(await rename(list.id, "", ownerKey), 400, "invalid_input");
  });

  it("the default list's owner holds OWNER_KEY", async () => {
    await expectRejected(await rename("main", "Ours", "not-the-owner-key"), 403, "forbidden");
    const renamed = await rename("main", "Ours", env.OWNER_KEY!);
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ list: { id: "main", title: "Ours" } });
  });
});

describe("a list's items and socket", () => {
  it("have the default list's contract, and are the list's own", async () => {
    const a = (await createList()).list.id;
    const b = (await createList()).list.id;
    expect((await postItem(`/api/lists/${a}/items`, "for A")).status).toBe(201);
    expect((await postItem(`/api/lists/${b}/items`, "for B")).status).toBe(201);
    expect(await titles(`/api/lists/${a}/items`)).toEqual(["for A"]);
    expect(await titles(`/api/lists/${b}/items`)).toEqual(["for B"]);
    expect(await titles("/api/items")).not.toContain("for A");
  });

  it("a save in one list never reaches another list's sockets", async () => {
    const a = (await createList()).list.id;
    const b = (await createList()).list.id;
    const onA = await openSocket(`/api/lists/${a}/ws`);
    const onB = await openSocket(`/api/lists/${b}/ws`);
    await onA.next("snapshot");
    await onB.next("snapshot");
    await postItem(`/api/lists/${b}/items`, "only B");
    await postItem(`/api/lists/${a}/items`, "only A");
    expect(await onA.next("item")).toMatchObject({ item: { title: "only A" } });
    expect(await onB.next("item")).toMatchObject({ item: { title: "only B" } });
    expect(onA.frames.filter((frame) => frame.type === "item")).toEqual([]);
    onA.ws.close(1000);
    onB.ws.close(1000);
  });

  it("a resume token from one list resumes nothing in another", async () => {
    const a = (await createList()).list.id;
    const b = (await createList()).list.id;
    const onA = await openSocket(`/api/lists/${a}/ws`);
    const welcome = await onA.next("welcome");
    if (welcome.type !== "welcome") throw new Error("expected welcome");
    const onB = await openSocket(`/api/lists/${b}/ws?resume=${welcome.resumeToken}&last=1&attempt=2`);
    expect(await onB.next("welcome")).toMatchObject({ resumed: false });
    expect(welcome.resumed).toBe(false);
    onA.ws.close(1000);
    onB.ws.close(1000);
  });
});

describe("GET /l/{id}", () => {
  it("serves the page with the list's title", async () => {
    const { list } = await createList({ title: "Groceries <b>&</b>" });
    const response = await request(`/l/${list.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>Groceries &lt;b&gt;&amp;&lt;/b&gt;</h1>");
    expect(html).toContain('id="mainlist"');
  });

  it("a list that does not exist gets a 404 page that links home", async () => {
    const response = await request("/l/NeverCreated1111111111");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain('<a href="/">');
  });
});
