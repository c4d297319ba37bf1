/**
 * Ticking items off, live rename and the head count by browser, in real
 * Chromium against the real app under `wrangler dev`: a tick in one page is
 * seen ticked in another; a tick made offline survives a reload and arrives
 * once (saying "saving tick…" while queued); "Hide done" hides done items and is remembered per list; a rename
 * shows at once in another open page; one browser with two tabs counts once.
 * Each person is a browser context of their own; each test has its own list.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import { browserAndApp, card, createTestList, openLive, postItem } from "./pageDriver";

const WAIT_MS = 30_000;

const app = browserAndApp();
const baseUrl = () => app.server.baseUrl;

function doneBox(page: Page, title: string) {
  return card(page, title).getByRole("checkbox", { name: `Done: ${title}`, exact: true });
}

async function stored(itemsPath: string): Promise<Item[]> {
  return ((await (await fetch(`${baseUrl()}${itemsPath}`)).json()) as { items: Item[] }).items;
}

describe("done", () => {
  it("a tick in one page is seen ticked in another, and untick too; no key needed", async () => {
    const list = await createTestList(baseUrl(), "Shopping");
    await postItem(baseUrl(), list.items, "Buy milk");
    // Neither person saved the item or owns the list: anyone may tick.
    const ticker = await openLive(await app.person(), baseUrl(), list.page);
    const watcher = await openLive(await app.person(), baseUrl(), list.page);
    await expect.poll(() => doneBox(watcher, "Buy milk").isChecked(), { timeout: WAIT_MS }).toBe(false);

    await doneBox(ticker, "Buy milk").check();
    await expect.poll(() => doneBox(watcher, "Buy milk").isChecked(), { timeout: WAIT_MS }).toBe(true);
    await expect.poll(() => card(watcher, "Buy milk").getAttribute("class"), { timeout: WAIT_MS }).toContain("done");
    expect((await stored(list.items))[0]).toMatchObject({ done: true, version: 2 });

    await doneBox(watcher, "Buy milk").uncheck();
    await expect.poll(() => doneBox(ticker, "Buy milk").isChecked(), { timeout: WAIT_MS }).toBe(false);
    await expect.poll(async () => (await stored(list.items))[0]?.version, { timeout: WAIT_MS }).toBe(3);
  });

  it("a tick made offline survives a reload there and arrives once when the network is back", async () => {
    const list = await createTestList(baseUrl(), "Offline ticks");
    await postItem(baseUrl(), list.items, "Eggs");
    const offline = await app.person();
    const ticker = await openLive(offline, baseUrl(), list.page);
    await ticker.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const watcher = await openLive(await app.person(), baseUrl(), list.page);
    await expect.poll(() => doneBox(watcher, "Eggs").isVisible(), { timeout: WAIT_MS }).toBe(true);

    await offline.setOffline(true);
    // As in changes.test.ts: Chromium's offline emulation does not cover what
    // the service worker sends on, so the server is down too.
    await app.server.stop();
    await doneBox(ticker, "Eggs").check();
    await ticker.reload();
    await expect.poll(() => doneBox(ticker, "Eggs").isChecked(), { timeout: WAIT_MS }).toBe(true);
    // Queued, it says what it is: a tick, not an edit.
    expect(await card(ticker, "Eggs").locator(".meta").textContent()).toBe("saving tick…");
    await app.server.start();
    await offline.setOffline(false);

    await expect.poll(() => doneBox(watcher, "Eggs").isChecked(), { timeout: WAIT_MS }).toBe(true);
    await expect.poll(async () => (await stored(list.items))[0], { timeout: WAIT_MS }).toMatchObject({ done: true, version: 2 });
    // Give any duplicate time to arrive: the tick is made once.
    await watcher.waitForTimeout(2_000);
    expect((await stored(list.items))[0]?.version).toBe(2);
  });

  it("Hide done hides done items, shows them where they stood when turned off, and is remembered per list", async () => {
    const list = await createTestList(baseUrl(), "Hide done");
    const other = await createTestList(baseUrl(), "Not hidden");
    for (const title of ["Bread", "Butter", "Jam"]) await postItem(baseUrl(), list.items, title);
    const { id: butterId } = (await stored(list.items)).find((item) => item.title === "Butter")!;
    const tick = await fetch(`${baseUrl()}${list.items}/${butterId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ done: true }),
    });
    expect(tick.status).toBe(200);
    await postItem(baseUrl(), other.items, "Ticked elsewhere");

    const person = await app.person();
    const page = await openLive(person, baseUrl(), list.page);
    const hideDone = page.getByRole("switch", { name: "Hide done" });
    const visibleTitles = () => page.locator("#mainlist .itementry:visible h2").allTextContents();
    await expect.poll(visibleTitles, { timeout: WAIT_MS }).toEqual(["Jam", "Butter", "Bread"]);
    await hideDone.check();
    await expect.poll(visibleTitles, { timeout: WAIT_MS }).toEqual(["Jam", "Bread"]);

    await page.reload();
    await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
    expect(await page.getByRole("switch", { name: "Hide done" }).isChecked()).toBe(true);
    await expect.poll(visibleTitles, { timeout: WAIT_MS }).toEqual(["Jam", "Bread"]);

    const elsewhere = await openLive(person, baseUrl(), other.page);
    expect(await elsewhere.getByRole("switch", { name: "Hide done" }).isChecked()).toBe(false);

    await page.getByRole("switch", { name: "Hide done" }).uncheck();
    await expect.poll(visibleTitles, { timeout: WAIT_MS }).toEqual(["Jam", "Butter", "Bread"]);
  });
});

describe("live rename", () => {
  it("a rename shows at once in another open page: its header and its document title", async () => {
    const list = await createTestList(baseUrl(), "Before");
    const reader = await openLive(await app.person(), baseUrl(), list.page);
    expect(await reader.locator("h1").textContent()).toBe("Before");
    const renamed = await fetch(`${baseUrl()}/api/lists/${list.page.slice("/l/".length)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${list.ownerKey}` },
      body: JSON.stringify({ title: "After" }),
    });
    expect(renamed.status).toBe(200);
    await expect.poll(() => reader.locator("h1").textContent(), { timeout: WAIT_MS }).toBe("After");
    expect(await reader.title()).toContain("After");
  });
});

describe("presence by browser", () => {
  it("one browser with two tabs counts once", async () => {
    const list = await createTestList(baseUrl(), "Who is here");
    const someone = await app.person();
    const tabs = [await openLive(someone, baseUrl(), list.page), await openLive(someone, baseUrl(), list.page)];
    const other = await openLive(await app.person(), baseUrl(), list.page);
    // The first count a newcomer hears includes it: two browsers, where counting tabs would say three.
    const presence = () => other.locator("#presence").textContent();
    await expect.poll(presence, { timeout: WAIT_MS }).not.toBe("");
    expect(await presence()).toBe("2 here");
    for (const tab of tabs) await expect.poll(() => tab.locator("#presence").textContent(), { timeout: WAIT_MS }).toBe("2 here");
  });
});
