/**
 * A screen full of items, in real Chromium (public/styles.css): one-line items
 * are compact rows, at least 12 of them below the header on a 390×844 phone
 * and 20 on a 1280×800 desktop, as the page opens and scrolled into the list;
 * every control on the screen stays at least 24×24 px (WCAG 2.5.8); and Edit
 * and Remove, which wait under a row on a phone until it is tapped or reached
 * from the keyboard, are never out of the keyboard's or a screen reader's reach.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, card, createTestList, postItem } from "./pageDriver";

const WAIT_MS = 30_000;
const ITEMS = 30;

const PHONE = { width: 390, height: 844, rows: 12 };
const DESKTOP = { width: 1280, height: 800, rows: 20 };

const app = browserAndApp();

/** A list of one-line items ("Item 1" oldest), opened by its owner at `viewport`: every item has Edit and Remove. */
async function ownedList(viewport: { width: number; height: number }, bodies: Record<number, string> = {}): Promise<Page> {
  const list = await createTestList(app.server.baseUrl, "Groceries");
  for (let n = 1; n <= ITEMS; n++) await postItem(app.server.baseUrl, list.items, `Item ${n}`, bodies[n]);
  const page = await (await app.person()).newPage();
  await page.setViewportSize(viewport);
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${app.server.baseUrl}${list.page}#owner=${list.ownerKey}`);
  await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
  await expect.poll(() => page.getByRole("button", { name: "Remove", exact: true }).count(), { timeout: WAIT_MS }).toBe(ITEMS);
  return page;
}

/** Items whose whole row is on the screen below the (sticky) header. */
function rowsOnScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const headerBottom = document.querySelector("header.topbar")!.getBoundingClientRect().bottom;
    return [...document.querySelectorAll("#mainlist .itementry")].filter((row) => {
      const box = row.getBoundingClientRect();
      return box.height > 0 && box.top >= headerBottom && box.bottom <= innerHeight;
    }).length;
  });
}

/** Scrolls until the first row sits just under the header, as when reading down the list. */
function scrollToList(page: Page): Promise<void> {
  return page.evaluate(() => {
    const headerBottom = document.querySelector("header.topbar")!.getBoundingClientRect().bottom;
    scrollTo(0, document.querySelector("#mainlist .itementry")!.getBoundingClientRect().top + scrollY - headerBottom);
  });
}

/**
 * The size of every control a person can see: rendered, and not clipped to
 * nothing as a row's Edit and Remove are on a phone until it opens. Links in
 * item bodies are inline text, which 2.5.8 exempts.
 */
function shownControls(page: Page, within = "body"): Promise<{ name: string; width: number; height: number }[]> {
  return page.locator(within).evaluate((root) =>
    [...root.querySelectorAll("button, summary, a, input, [tabindex='0']")]
      .filter((element) => {
        if (!element.checkVisibility() || element.closest(".itementry > div")) return false;
        for (let at: Element | null = element; at; at = at.parentElement) if (getComputedStyle(at).clipPath !== "none") return false;
        return true;
      })
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { name: `${element.tagName} ${element.id || element.getAttribute("aria-label") || element.textContent?.trim()}`, width: box.width, height: box.height };
      }),
  );
}

async function shownNames(row: Locator): Promise<string[]> {
  const id = await row.getAttribute("data-id");
  return (await shownControls(row.page(), `.itementry[data-id="${id}"]`)).map((control) => control.name);
}

function focusedName(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute("aria-label") || undefined);
}

describe.each([
  ["a phone", PHONE],
  ["a desktop", DESKTOP],
])("on %s", (_, { rows, ...viewport }) => {
  it(`shows at least ${rows} one-line items below the header, as the page opens and scrolled into the list`, async () => {
    const page = await ownedList(viewport);
    expect(await rowsOnScreen(page)).toBeGreaterThanOrEqual(rows);
    await scrollToList(page);
    expect(await rowsOnScreen(page)).toBeGreaterThanOrEqual(rows);
    await page.close();
  });

  it("every control on the screen is at least 24×24 px, a row's Edit and Remove too once they show", async () => {
    const long = "A body much longer than one line, which folds behind Show more until someone unfolds it";
    const page = await ownedList(viewport, { [ITEMS]: long, [ITEMS - 1]: "Short" });
    await card(page, `Item ${ITEMS - 2}`).getByRole("checkbox").check();
    await expect.poll(() => card(page, `Item ${ITEMS}`).getByRole("button", { name: "Show more" }).isVisible(), { timeout: WAIT_MS }).toBe(true);
    const controls = await shownControls(page);
    expect(controls.length).toBeGreaterThan(ITEMS);
    // A row opened from the keyboard shows its Edit and Remove.
    await card(page, "Item 5").getByRole("checkbox").focus();
    await page.keyboard.press("Tab");
    controls.push(...(await shownControls(page, ".itementry:focus-within")));
    expect(controls.map((control) => control.name)).toEqual(expect.arrayContaining(["BUTTON Show more", "BUTTON Edit", "BUTTON Remove"]));
    for (const control of controls) {
      expect(control.width, control.name).toBeGreaterThanOrEqual(24);
      expect(control.height, control.name).toBeGreaterThanOrEqual(24);
    }
    await page.close();
  });

  it("Edit and Remove follow the Done checkbox in the tab order, show when reached, and work from the keyboard", async () => {
    const page = await ownedList(viewport);
    const row = card(page, "Item 7");
    await row.getByRole("checkbox").focus();
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Edit");
    expect(await shownNames(row)).toEqual(expect.arrayContaining(["BUTTON Edit", "BUTTON Remove"]));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#itemform").isVisible()).toBe(true);
    expect(await page.locator("#itemtitle").inputValue()).toBe("Item 7");
    await page.keyboard.press("Escape");

    await row.getByRole("checkbox").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Remove");
    await page.keyboard.press("Enter");
    await expect.poll(() => row.locator(".removednote").innerText()).toBe("Removed “Item 7” · Undo");
    expect(await focusedName(page)).toBe("Undo");
    await page.keyboard.press("Enter");
    await expect.poll(() => row.locator("h2").isVisible()).toBe(true);
    await page.close();
  });
});

describe("on a phone, a row", () => {
  it("shows its time, Edit and Remove when tapped, not when ticked, and keeps them in reach of a screen reader", async () => {
    const page = await ownedList(PHONE);
    const row = card(page, "Item 3");
    const height = (await row.boundingBox())!.height;
    expect(await shownNames(row)).toEqual(["INPUT Done: Item 3"]);
    // Out of sight, not out of reach: the accessibility tree still holds them.
    expect(await row.getByRole("button", { name: "Edit", exact: true }).count()).toBe(1);
    expect(await row.getByRole("button", { name: "Remove", exact: true }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Edit", exact: true }).count()).toBe(ITEMS);

    // Ticking is what a row is for: it changes nothing else about it.
    await row.getByRole("checkbox").click();
    expect(await row.getAttribute("class")).toContain("done");
    expect((await row.boundingBox())!.height).toBe(height);
    await expect.poll(() => row.getAttribute("class"), { timeout: WAIT_MS }).not.toContain("unsent");
    expect(await shownNames(row)).toEqual(["INPUT Done: Item 3"]);
    expect((await row.boundingBox())!.height).toBe(height);

    await row.locator("h2").click();
    expect(await shownNames(row)).toEqual(["INPUT Done: Item 3", "BUTTON Edit", "BUTTON Remove"]);
    expect(await row.locator(".meta").isVisible()).toBe(true);
    expect((await row.boundingBox())!.height).toBeGreaterThan(height);
    await row.getByRole("button", { name: "Edit", exact: true }).click();
    await expect.poll(() => page.locator("#itemform").isVisible()).toBe(true);
    expect(await page.locator("#itemtitle").inputValue()).toBe("Item 3");
    await page.keyboard.press("Escape");

    await page.locator("main").click({ position: { x: 5, y: 5 } });
    expect(await shownNames(row)).toEqual(["INPUT Done: Item 3"]);
    expect((await row.boundingBox())!.height).toBe(height);
    await page.close();
  });
});
