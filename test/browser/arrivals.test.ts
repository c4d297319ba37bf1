/**
 * Items that arrive while someone reads, in real Chromium: announced
 * politely, briefly highlighted (not at all under prefers-reduced-motion),
 * and, when they land above the screen, counted in an "N new" pill that
 * scrolls up to them.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, card, createTestList, openLive, postItem, type TestList } from "./pageDriver";

const app = browserAndApp({ viewport: { width: 390, height: 700 } });

async function longList(): Promise<TestList> {
  const list = await createTestList(app.server.baseUrl);
  for (let n = 1; n <= 20; n++) await postItem(app.server.baseUrl, list.items, `Item ${n}`, "a line of text\nand another");
  return list;
}

function animationOf(page: Page, title: string): Promise<string> {
  return card(page, title).evaluate((element) => getComputedStyle(element).animationName);
}

describe("items that arrive while someone reads", () => {
  it("an item saved elsewhere is announced and highlighted where it lands", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await postItem(app.server.baseUrl, list.items, "Fresh bread");
    await expect.poll(() => card(page, "Fresh bread").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator("#announcer").textContent()).toBe("New item: “Fresh bread”");
    expect(await page.locator("#announcer").getAttribute("aria-live")).toBe("polite");
    expect(await animationOf(page, "Fresh bread")).toBe("arrived");
    // On screen already: no pill.
    expect(await page.locator("#newabove").isVisible()).toBe(false);
    await page.close();
  });

  it("above the screen, arrivals are counted in an N new pill that scrolls up to them", async () => {
    const list = await longList();
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: 30_000 }).toBe(20);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const scrolledTo = await page.evaluate(() => scrollY);
    expect(scrolledTo).toBeGreaterThan(500);

    await postItem(app.server.baseUrl, list.items, "Above one");
    await postItem(app.server.baseUrl, list.items, "Above two");
    const pill = page.locator("#newabove");
    await expect.poll(() => pill.textContent(), { timeout: 30_000 }).toBe("2 new");
    expect(await pill.isVisible()).toBe(true);
    // The reader's place does not move under them.
    expect(await card(page, "Item 1").evaluate((element) => element.getBoundingClientRect().top > 0)).toBe(true);

    await pill.click();
    await expect.poll(() => card(page, "Above two").evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top >= document.querySelector("header")!.getBoundingClientRect().bottom && box.bottom <= innerHeight;
    }), { timeout: 10_000 }).toBe(true);
    expect(await pill.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.querySelector("h2")?.textContent)).toBe("Above two");
    await page.close();
  });

  it("scrolling up by hand clears the pill", async () => {
    const list = await longList();
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: 30_000 }).toBe(20);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await postItem(app.server.baseUrl, list.items, "Above");
    await expect.poll(() => page.locator("#newabove").isVisible(), { timeout: 30_000 }).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(() => page.locator("#newabove").isVisible(), { timeout: 10_000 }).toBe(false);
    await page.close();
  });

  it("with prefers-reduced-motion, arrivals are not animated at all", async () => {
    const list = await createTestList(app.server.baseUrl);
    const context = await app.browser.newContext({ reducedMotion: "reduce" });
    try {
      const page = await openLive(context, app.server.baseUrl, list.page);
      await postItem(app.server.baseUrl, list.items, "Calm");
      await expect.poll(() => card(page, "Calm").count(), { timeout: 30_000 }).toBe(1);
      expect(await card(page, "Calm").getAttribute("class")).toContain("arrived");
      expect(await animationOf(page, "Calm")).toBe("none");
    } finally {
      await context.close();
    }
  });
});
