/**
 * Remove and Undo for someone using a keyboard or a screen reader, in real
 * Chromium: focus moves to Undo, back to the item after Undo, and on to the
 * next item when the Undo window ends; the removed card names the item, and
 * a polite live region says what happened.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, card, createTestList, openLive, postItem } from "./pageDriver";

const app = browserAndApp();
/** Longer than the page's Undo window (src/client/core/undoWindow.ts), with room for a busy machine. */
const PAST_UNDO_WINDOW_MS = 15_000;

/** What has focus: a button's label and the title of the card it is in, or the card itself. */
function focused(page: Page): Promise<{ tag: string; label: string; cardTitle: string | null }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const cardTitle = element.closest(".itementry")?.querySelector("h2")?.textContent ?? null;
    return { tag: element.tagName, label: element.tagName === "BUTTON" ? (element.textContent ?? "") : "", cardTitle };
  });
}

function announced(page: Page): Promise<string> {
  return page.locator("#announcer").evaluate((region) => `${region.getAttribute("aria-live")}: ${region.textContent?.trim()}`);
}

async function listOfThree(): Promise<Page> {
  const list = await createTestList(app.server.baseUrl);
  const context = await app.person();
  // Owned, so this page may remove every item.
  const page = await context.newPage();
  for (const title of ["Bread", "Buy milk", "Apples"]) await postItem(app.server.baseUrl, list.items, title);
  await page.goto(`${app.server.baseUrl}${list.page}#owner=${list.ownerKey}`);
  await expect.poll(() => page.locator("#mainlist .itemactions:visible").count(), { timeout: 30_000 }).toBe(3);
  return page;
}

describe("removing an item, by keyboard and screen reader", () => {
  it("Remove moves focus to Undo on a card that names the item, and says so; Undo brings focus back to the item", async () => {
    const page = await listOfThree();
    await card(page, "Buy milk").getByRole("button", { name: "Remove", exact: true }).focus();
    await page.keyboard.press("Enter");
    expect(await page.locator("#mainlist .itementry.removed .removednote").innerText()).toBe("Removed “Buy milk” · Undo");
    expect(await focused(page)).toEqual({ tag: "BUTTON", label: "Undo", cardTitle: "Buy milk" });
    expect(await announced(page)).toMatch(/^polite: Removed “Buy milk”\./);

    await page.keyboard.press("Enter");
    expect(await focused(page)).toEqual({ tag: "ARTICLE", label: "", cardTitle: "Buy milk" });
    expect(await card(page, "Buy milk").getByRole("button", { name: "Remove", exact: true }).isVisible()).toBe(true);
    expect(await announced(page)).toBe("polite: Restored “Buy milk”.");
    await page.close();
  });

  it("when the Undo window ends, focus moves on to the next item", async () => {
    const page = await listOfThree();
    expect(await page.locator("#mainlist .itementry h2").allTextContents()).toEqual(["Apples", "Buy milk", "Bread"]);
    await card(page, "Buy milk").getByRole("button", { name: "Remove", exact: true }).click();
    expect((await focused(page)).label).toBe("Undo");
    await expect.poll(() => card(page, "Buy milk").count(), { timeout: PAST_UNDO_WINDOW_MS }).toBe(0);
    expect(await focused(page)).toEqual({ tag: "ARTICLE", label: "", cardTitle: "Bread" });

    // The last item: focus goes back up to the one before it.
    await card(page, "Bread").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => card(page, "Bread").count(), { timeout: PAST_UNDO_WINDOW_MS }).toBe(0);
    expect(await focused(page)).toEqual({ tag: "ARTICLE", label: "", cardTitle: "Apples" });
    await page.close();
  });

  it("an item removed in another page is announced in this one", async () => {
    const list = await createTestList(app.server.baseUrl);
    await postItem(app.server.baseUrl, list.items, "Tea");
    const reader = await openLive(await app.person(), app.server.baseUrl, list.page);
    const owner = await (await app.person()).newPage();
    await owner.goto(`${app.server.baseUrl}${list.page}#owner=${list.ownerKey}`);
    await card(owner, "Tea").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => card(reader, "Tea").count(), { timeout: PAST_UNDO_WINDOW_MS }).toBe(0);
    expect(await announced(reader)).toBe("polite: “Tea” was removed.");
    await Promise.all([reader.close(), owner.close()]);
  });
});
