/**
 * The Worker reads a page path as the page and its service worker do
 * (protocol/lists.ts): a list's page for every path that names a list that
 * exists, and the HTML "No such list" page for every other `/l/…` link.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIST_ID } from "../../src/protocol/lists";
import { BAD_LIST_LINKS, ISSUED_ID, LIST_PAGE_PATHS } from "../protocol/listPathCases";
import { request } from "./request";

async function createdListId(): Promise<string> {
  const response = await request("/api/lists", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(response.status).toBe(201);
  return (await response.json<{ list: { id: string } }>()).list.id;
}

async function expectNoSuchList(path: string): Promise<void> {
  const response = await request(path);
  expect(response.status, path).toBe(404);
  expect(response.headers.get("content-type"), path).toContain("text/html");
  expect(await response.text(), path).toContain("<h1>No such list</h1>");
}

describe("page paths at the Worker", () => {
  it("/ and /index.html serve the default list's page", async () => {
    for (const { path } of LIST_PAGE_PATHS.filter(({ id }) => id === DEFAULT_LIST_ID)) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('id="mainlist"');
    }
  });

  it("/l/{id} of a list that exists serves its page, with or without a trailing slash", async () => {
    const id = await createdListId();
    for (const path of [`/l/${id}`, `/l/${id}/`]) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('id="mainlist"');
    }
  });

  it("a well-formed id nobody created gets the No such list page", async () => {
    await expectNoSuchList(`/l/${ISSUED_ID}`);
  });

  it("a mistyped, over-long or percent-encoded id gets the No such list page", async () => {
    for (const path of BAD_LIST_LINKS) await expectNoSuchList(path);
  });

  it("the percent-encoded form of a list that exists is not its link", async () => {
    const id = await createdListId();
    const encoded = `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}`;
    await expectNoSuchList(`/l/${encoded}`);
  });
});
