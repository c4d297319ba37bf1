/**
 * Search in real Chromium against the real app under `wrangler dev`: typing
 * filters the items on the page and counts them, the server finds what the
 * page has not loaded (an item 250 items down), arrivals are filtered too,
 * Escape clears the search and `/` reaches the field (not while typing). An
 * older match is an item like any other: ticked, edited and removed where it
 * was found, and kept live there by what other pages do, and searched again
 * when a fresh session may have missed a change to it.
 */
import type { Locator, Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol/limits";
import { browserAndApp, openLive, titles } from "./pageDriver";

const WAIT_MS = 30_000;
const ITEMS = 300;
/** Item n is saved n-th (0 the oldest); the page's first load holds the newest 200. */
const DEEP = ITEMS - 1 - 250;

const app = browserAndApp();

async function postItem(itemsPath: string, title: string, body: string): Promise<void> {
  const response = await fetch(`${app.server.baseUrl}${itemsPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body }),
  });
  expect(response.status).toBe(201);
}

async function listOf300(): Promise<{ page: string; items: string; ownerKey: string }> {
  const response = await fetch(`${app.server.baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "Search" }),
  });
  expect(response.status).toBe(201);
  const { list, ownerKey } = (await response.json()) as { list: { id: string }; ownerKey: string };
  const items = `/api/lists/${list.id}/items`;
  for (let n = 0; n < ITEMS; n++) {
    await postItem(items, n === DEEP ? "Quokka sighting" : `Item ${n}`, n === DEEP ? "On Rottnest, by the café" : "plain");
  }
  return { page: `/l/${list.id}`, items, ownerKey };
}

function visibleTitles(page: Page): Promise<string[]> {
  return page.locator("#mainlist .itementry:visible h2").allTextContents();
}

function count(page: Page): Promise<string | null> {
  return page.locator("#searchcount").textContent();
}

/** The card of an older match (below "Older matches"). */
function olderMatch(page: Page): Locator {
  return page.locator("#searcholder .itementry");
}

async function stored(itemsPath: string, query: string): Promise<{ id: string; title: string; done: boolean; version: number }[]> {
  const response = await fetch(`${app.server.baseUrl}${itemsPath}?q=${encodeURIComponent(query)}`);
  return ((await response.json()) as { items: { id: string; title: string; done: boolean; version: number }[] }).items;
}

/**
 * Passes the page's sockets through until `deafen()`; from then on nothing
 * crosses either way, so a sequenced frame goes unacknowledged until the
 * server drops the session (close 4008), and the connections after that pass
 * through again. `welcomes` are the welcomes the page received, in order.
 */
async function deafenable(page: Page): Promise<{ deafen(): void; welcomes: { resumed: boolean }[] }> {
  let deaf = false;
  const welcomes: { resumed: boolean }[] = [];
  await page.routeWebSocket(/\/ws/, (socket: WebSocketRoute) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      if (!deaf) server.send(message);
    });
    server.onMessage((message) => {
      if (deaf) return;
      const frame = JSON.parse(String(message)) as { type: string; resumed?: boolean };
      if (frame.type === "welcome") welcomes.push({ resumed: frame.resumed === true });
      socket.send(message);
    });
    socket.onClose((code, reason) => void server.close({ code, reason }));
    server.onClose((code, reason) => {
      if (code === CloseCode.AckTimeout) deaf = false;
      void socket.close({ code, reason });
    });
  });
  return { deafen: () => (deaf = true), welcomes };
}

describe("search", () => {
  it("finds an item 250 items down by typing, counts the matches, follows arrivals, and Escape and / work", async () => {
    const list = await listOf300();
    const context = await app.person();
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    await page.goto(`${app.server.baseUrl}${list.page}`);
    await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
    await expect.poll(async () => (await titles(page)).length, { timeout: WAIT_MS }).toBe(200);
    const field = page.getByRole("searchbox", { name: "Search" });

    // Not on the page: the server finds it, without its accent or its case.
    await field.pressSequentially("quok rottn");
    await expect.poll(() => page.locator("#searcholder .itementry h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting"]);
    await expect.poll(() => count(page)).toBe("0 of 200 · 1 older");
    expect(await visibleTitles(page)).toEqual([]);
    await field.fill("");
    await field.pressSequentially("CAFE");
    await expect.poll(() => page.locator("#searcholder .itementry h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting"]);

    // On the page and older: "29" begins 290–299 here, and 29 is older.
    await field.fill("");
    await field.pressSequentially("item 29");
    await expect.poll(() => visibleTitles(page)).toEqual(Array.from({ length: 10 }, (_, n) => `Item ${299 - n}`));
    await expect.poll(() => page.locator("#searcholder .itementry h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Item 29"]);
    await expect.poll(() => count(page)).toBe("10 of 200 · 1 older");

    // An arrival is filtered and counted like the rest.
    await postItem(list.items, "Item 2999", "new");
    await postItem(list.items, "Other arrival", "new");
    await expect.poll(() => visibleTitles(page), { timeout: WAIT_MS }).toEqual(["Item 2999", ...Array.from({ length: 10 }, (_, n) => `Item ${299 - n}`)]);
    await expect.poll(() => count(page)).toBe("11 of 202 · 1 older");

    // Escape clears the search and shows everything again.
    await field.press("Escape");
    expect(await field.inputValue()).toBe("");
    await expect.poll(() => visibleTitles(page).then((shown) => shown.length)).toBe(202);
    expect(await count(page)).toBe("");
    expect(await page.locator("#searcholder").isVisible()).toBe(false);

    // `/` reaches the field from the page, but is typed as itself in a field.
    await page.locator("h1").click();
    await page.keyboard.press("/");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("search");
    expect(await field.inputValue()).toBe("");
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    const title = page.locator("#itemformmain [name=itemtitle]");
    await title.pressSequentially("a/b");
    expect(await title.inputValue()).toBe("a/b");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("itemtitle");
  });

  it("an older match is an item: ticked and edited where it was found, seen in another page, and kept live by what others do", async () => {
    const list = await listOf300();
    const owner = await openLive(await app.person(), app.server.baseUrl, `${list.page}#owner=${list.ownerKey}`);
    const visitor = await openLive(await app.person(), app.server.baseUrl, list.page);
    for (const page of [owner, visitor]) {
      await expect.poll(async () => (await titles(page)).length, { timeout: WAIT_MS }).toBe(200);
      await page.getByRole("searchbox", { name: "Search" }).pressSequentially("quokka");
      await expect.poll(() => olderMatch(page).locator("h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting"]);
    }
    const done = (page: Page) => olderMatch(page).getByRole("checkbox", { name: "Done: Quokka sighting" });
    // Edit and Remove are for whoever saved the item or owns the list, as on any card.
    expect(await olderMatch(owner).getByRole("button", { name: "Edit", exact: true }).isVisible()).toBe(true);
    expect(await olderMatch(visitor).getByRole("button", { name: "Edit", exact: true }).isVisible()).toBe(false);

    // A tick on the match card is a tick of the item: stored, and seen on the other page's match card.
    await done(owner).check();
    await expect.poll(() => done(visitor).isChecked(), { timeout: WAIT_MS }).toBe(true);
    await expect.poll(() => olderMatch(visitor).getAttribute("class"), { timeout: WAIT_MS }).toContain("done");
    expect((await stored(list.items, "quokka"))[0]).toMatchObject({ done: true, version: 2 });
    // Hide done hides a done match as it hides done items in the list, and it no longer counts.
    const hideDone = visitor.getByRole("switch", { name: "Hide done" });
    expect(await count(visitor)).toBe("0 of 200 · 1 older");
    await hideDone.check();
    expect(await olderMatch(visitor).isVisible()).toBe(false);
    expect(await count(visitor)).toBe("0 of 200");
    await hideDone.uncheck();
    expect(await olderMatch(visitor).isVisible()).toBe(true);
    expect(await count(visitor)).toBe("0 of 200 · 1 older");
    // And the other way: anyone may tick, from their own match card.
    await done(visitor).uncheck();
    await expect.poll(() => done(owner).isChecked(), { timeout: WAIT_MS }).toBe(false);

    // Edited where it was found, in the same dialog; the other page's match card follows.
    await olderMatch(owner).getByRole("button", { name: "Edit", exact: true }).click();
    const field = owner.locator("#itemformmain [name=itemtitle]");
    expect(await field.inputValue()).toBe("Quokka sighting");
    await field.fill("Quokka sighting, twice");
    await owner.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => olderMatch(visitor).locator("h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting, twice"]);
    await expect.poll(() => olderMatch(owner).locator(".meta").textContent(), { timeout: WAIT_MS }).toMatch(/· edited$/);
    expect((await stored(list.items, "quokka"))[0]).toMatchObject({ title: "Quokka sighting, twice", done: false, version: 4 });

    // Show older reaches it: it moves into the list, at its latest version, and is not shown twice.
    await visitor.getByRole("button", { name: "Show older", exact: true }).click();
    await expect.poll(() => visibleTitles(visitor), { timeout: WAIT_MS }).toEqual(["Quokka sighting, twice"]);
    await expect.poll(() => olderMatch(visitor).count()).toBe(0);
    expect(await count(visitor)).toBe("1 of 300");

    // Removed where it was found; it leaves the other page too.
    await olderMatch(owner).getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => owner.locator("#searcholder .itementry.removed .removednote").innerText()).toBe("Removed “Quokka sighting, twice” · Undo");
    await expect.poll(() => visibleTitles(visitor), { timeout: WAIT_MS }).toEqual([]);
    await expect.poll(() => olderMatch(owner).count(), { timeout: WAIT_MS }).toBe(0);
    expect(await count(visitor)).toBe("0 of 299");
    expect(await stored(list.items, "quokka")).toEqual([]);
  });

  it("an older match changed while the page heard nothing is searched again with the fresh session, and shows the change", async () => {
    const list = await listOf300();
    const page = await (await app.person()).newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    const socket = await deafenable(page);
    await page.goto(`${app.server.baseUrl}${list.page}`);
    await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
    await expect.poll(async () => (await titles(page)).length, { timeout: WAIT_MS }).toBe(200);
    await page.getByRole("searchbox", { name: "Search" }).pressSequentially("quokka");
    await expect.poll(() => olderMatch(page).locator("h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting"]);
    const [found] = await stored(list.items, "quokka");

    // Edited and ticked by the owner elsewhere while the page hears nothing: its
    // `edited` frame goes unacknowledged, so the server forgets the session.
    socket.deafen();
    const edit = await fetch(`${app.server.baseUrl}${list.items}/${found!.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${list.ownerKey}` },
      body: JSON.stringify({ title: "Quokka sighting, at dusk", done: true }),
    });
    expect(edit.status).toBe(200);

    // The next session is fresh: its snapshot holds the newest 200 only, so the
    // match below them is known only by searching again.
    await expect.poll(() => socket.welcomes.map((welcome) => welcome.resumed), { timeout: WAIT_MS }).toEqual([false, false]);
    await expect.poll(() => olderMatch(page).locator("h2").allTextContents(), { timeout: WAIT_MS }).toEqual(["Quokka sighting, at dusk"]);
    expect(await olderMatch(page).getByRole("checkbox", { name: "Done: Quokka sighting, at dusk" }).isChecked()).toBe(true);
    expect(await count(page)).toBe("0 of 200 · 1 older");
    expect(await page.locator("#livemark").isVisible()).toBe(true);
  });
});
