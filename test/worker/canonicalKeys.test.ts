/**
 * Keys are accepted only in their canonical base64url spelling (finding 9):
 * a 43-character key's last character carries 2 unused bits, so three other
 * characters decode to the same 32 bytes. Each is refused, like any other
 * wrong key: edit keys, owner keys and resume tokens alike.
 */
import { describe, expect, it } from "vitest";
import { parseServerFrame, type WelcomeFrame } from "../../src/protocol/frames";
import type { Item } from "../../src/protocol/item";
import type { ListInfo } from "../../src/protocol/lists";
import { ownerCheckPath } from "../../src/protocol/ownerCheck";
import { expectRejected, request } from "./request";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function bytesOf(key: string): string {
  return atob(key.replace(/-/g, "+").replace(/_/g, "/"));
}

/** The key with its last character swapped for each other one that decodes to the same bytes. */
function sameBytesSpellings(key: string): string[] {
  const last = ALPHABET.indexOf(key.at(-1)!);
  const spellings = [0, 1, 2, 3].map((low) => (last & ~3) | low).filter((value) => value !== last);
  return spellings.map((value) => key.slice(0, -1) + ALPHABET[value]);
}

async function createList(): Promise<{ list: ListInfo; ownerKey: string }> {
  const response = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return response.json<{ list: ListInfo; ownerKey: string }>();
}

describe("non-canonical spellings of a key", () => {
  it("have the same bytes (so the test means something) and are three", async () => {
    const { ownerKey } = await createList();
    const others = sameBytesSpellings(ownerKey);
    expect(others).toHaveLength(3);
    for (const other of others) expect(bytesOf(other)).toBe(bytesOf(ownerKey));
  });

  it("of an edit key are refused with 403; the key itself works", async () => {
    const saved = await request("/api/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "canonical", body: "keys" }),
    });
    const { item, editKey } = await saved.json<{ item: Item; editKey: string }>();
    const edit = (key: string, title: string) =>
      request(`/api/items/${item.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ title }),
      });
    for (const other of sameBytesSpellings(editKey)) {
      expect(bytesOf(other)).toBe(bytesOf(editKey));
      await expectRejected(await edit(other, "taken over"), 403, "forbidden");
      await expectRejected(
        await request(`/api/items/${item.id}`, { method: "DELETE", headers: { authorization: `Bearer ${other}` } }),
        403,
        "forbidden",
      );
    }
    const mine = await edit(editKey, "edited by its saver");
    expect(mine.status).toBe(200);
    expect((await mine.json<{ item: Item }>()).item.title).toBe("edited by its saver");
  });

  it("of an owner key are refused by the owner check and by a rename", async () => {
    const { list, ownerKey } = await createList();
    for (const other of sameBytesSpellings(ownerKey)) {
      await expectRejected(await request(ownerCheckPath(list.id), { headers: { authorization: `Bearer ${other}` } }), 403, "forbidden");
      const rename = await request(`/api/lists/${list.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${other}` },
        body: JSON.stringify({ title: "taken over" }),
      });
      await expectRejected(rename, 403, "forbidden");
    }
    expect((await request(ownerCheckPath(list.id), { headers: { authorization: `Bearer ${ownerKey}` } })).status).toBe(204);
  });

  it("of a resume token resume nothing: a fresh session; the token itself resumes", async () => {
    const { list } = await createList();
    const socketPath = `/api/lists/${list.id}/ws`;
    const welcome = async (query: string): Promise<WelcomeFrame> => {
      const response = await request(`${socketPath}${query}`, { headers: { Upgrade: "websocket" } });
      expect(response.status).toBe(101);
      const ws = response.webSocket!;
      const first = new Promise<string>((resolve) => ws.addEventListener("message", (event) => resolve(String(event.data)), { once: true }));
      ws.accept();
      const parsed = parseServerFrame(await first);
      ws.close(1000);
      if (!parsed.ok || parsed.frame.type !== "welcome") throw new Error("the first frame is not a welcome");
      return parsed.frame;
    };
    const fresh = await welcome("");
    for (const other of sameBytesSpellings(fresh.resumeToken)) {
      const answer = await welcome(`?resume=${other}&last=0`);
      expect(answer.resumed).toBe(false);
      expect(answer.clientId).not.toBe(fresh.clientId);
    }
    const resumed = await welcome(`?resume=${fresh.resumeToken}&last=0`);
    expect(resumed).toMatchObject({ resumed: true, clientId: fresh.clientId });
  });
});
