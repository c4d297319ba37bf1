/**
 * A bad list link with the service worker in control, in real Chromium
 * against `wrangler dev`: the worker leaves a path that names no list to the
 * network (protocol/lists.ts is its rule, the page's and the Worker's), so the
 * person sees the server's "No such list" page and no socket to any list is
 * opened, instead of the default list's page posting to the public list.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { BAD_LIST_LINKS } from "../protocol/listPathCases";
import { browserAndApp } from "./pageDriver";

const WAIT_MS = 30_000;

const app = browserAndApp();

/** A page on the default list whose service worker has installed and now controls it, its own socket already open. */
async function controlledPage(): Promise<Page> {
  const page = await (await app.person()).newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(app.server.baseUrl);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const socket = page.waitForEvent("websocket", { timeout: WAIT_MS });
  await page.reload();
  await socket;
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: WAIT_MS }).toBe(true);
  return page;
}

describe("a bad list link with the service worker in control", () => {
  it("shows there is no such list and opens no socket", async () => {
    const page = await controlledPage();
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));

    for (const path of ["/l/groceries", "/l/abc", ...BAD_LIST_LINKS]) {
      const response = await page.goto(`${app.server.baseUrl}${path}`);
      expect(response?.status(), path).toBe(404);
      expect(response?.fromServiceWorker(), path).toBe(false);
      expect(await page.getByRole("heading", { level: 1 }).textContent(), path).toBe("No such list");
      // Still in the worker's scope and control; and the page runs no script that could open a socket.
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), path).toBe(true);
      expect(await page.evaluate(() => document.scripts.length), path).toBe(0);
    }
    expect(sockets).toEqual([]);
  });

  it("while a list's own link is still answered by the worker and opens that list's socket", async () => {
    const created = await fetch(`${app.server.baseUrl}/api/lists`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { list } = (await created.json()) as { list: { id: string } };
    const page = await controlledPage();
    const socket = page.waitForEvent("websocket", { predicate: (opened) => opened.url().includes(list.id), timeout: WAIT_MS });
    const response = await page.goto(`${app.server.baseUrl}/l/${list.id}`);
    expect(response?.fromServiceWorker()).toBe(true);
    expect((await socket).url()).toContain(`/api/lists/${list.id}/ws`);
  });
});
