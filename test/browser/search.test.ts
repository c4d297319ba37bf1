/**
 * Search in real Chromium against the real app under `wrangler dev`: typing
 * filters the items on the page and counts them, the server finds what the
 * page has not loaded (an item 250 items down), arrivals are filtered too,
 * Escape clears the search and `/` reaches the field (not while typing).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, titles } from "./pageDriver";

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

async function listOf300(): Promise<{ page: string; items: string }> {
  const response = await fetch(`${app.server.baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "Search" }),
  });
  expect(response.status).toBe(201);
  const { list } = (await response.json()) as { list: { id: string } };
  const items = `/api/lists/${list.id}/items`;
  for (let n = 0; n < ITEMS; n++) {
    await postItem(items, n === DEEP ? "Quokka sighting" : `Item ${n}`, n === DEEP ? "On Rottnest, by the café" : "plain");
  }
  return { page: `/l/${list.id}`, items };
}

function visibleTitles(page: Page): Promise<string[]> {
  return page.locator("#mainlist .itementry:visible h2").allTextContents();
}

function count(page: Page): Promise<string | null> {
  return page.locator("#searchcount").textContent();
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
    const title = page.locator("#itemformmain input[name=itemtitle]");
    await title.pressSequentially("a/b");
    expect(await title.inputValue()).toBe("a/b");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("itemtitle");
  });
});
