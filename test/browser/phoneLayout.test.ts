/**
 * The page on a phone, measured in real Chromium at 360 and 390 CSS px wide:
 * nothing scrolls sideways with any menu or dialog open, the header is short,
 * opaque and holds the title on one line (whole on a tap), and every control
 * is big enough to hit (WCAG 2.5.8's 24×24 px; an item's own controls 32 px tall).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, createTestList, openLive, postItem, type TestList } from "./pageDriver";

const HEADER_MAX_PX = 96;
const LONG_TITLE = "Everything we need for the allotment, the garden shed and the summer party at the community hall";

const app = browserAndApp();

/** A list this browser owns with a long title and items, having visited two other lists first. */
async function ownedListOnPhone(width: number): Promise<{ page: Page; list: TestList }> {
  const context = await app.person();
  await context.newPage().then((page) => page.setViewportSize({ width, height: 800 }).then(() => page.close()));
  const list = await createTestList(app.server.baseUrl, LONG_TITLE);
  for (const title of ["Groceries for the week with a rather long name as well", "Books"]) {
    const other = await createTestList(app.server.baseUrl, title);
    const page = await openLive(context, app.server.baseUrl, other.page);
    await page.close();
  }
  await postItem(app.server.baseUrl, list.items, "Seeds", "Carrots https://example.com/a/very/long/address/that/does/not/break/easily/at/all");
  await postItem(app.server.baseUrl, list.items, "Only a title");
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 800 });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${app.server.baseUrl}${list.page}#owner=${list.ownerKey}`);
  await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: 30_000 }).toBe(true);
  // Each row's Remove, in the accessibility tree: on a phone it shows only once the row is tapped.
  await expect.poll(() => page.locator("#mainlist").getByRole("button", { name: "Remove" }).count(), { timeout: 30_000 }).toBe(2);
  return { page, list };
}

function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Every visible control's size, outside the links in item bodies (inline text links, which 2.5.8 exempts). */
function controlSizes(page: Page, selector: string): Promise<{ name: string; width: number; height: number }[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((element) => element.checkVisibility() && !element.closest(".itementry > div"))
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { name: `${element.tagName} ${element.id || element.textContent?.trim()}`, width: box.width, height: box.height };
      }),
  );
}

async function expectYourListsInside(page: Page, width: number): Promise<void> {
  expect(await pageWidth(page)).toBe(width);
  await page.getByText("Your lists", { exact: true }).click();
  const menu = page.locator("#yourlistsitems");
  expect(await menu.isVisible()).toBe(true);
  const box = (await menu.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  expect(await pageWidth(page)).toBe(width);
  await page.keyboard.press("Escape");
}

describe.each([360, 390])("at %i px wide", (width) => {
  it("nothing scrolls sideways, with Your lists or a dialog open", async () => {
    const { page, list } = await ownedListOnPhone(width);
    await expectYourListsInside(page, width);
    // Someone else's page of the same list: no owner buttons, so "Your lists" sits further right.
    const visitor = await (await app.person()).newPage();
    await visitor.setViewportSize({ width, height: 800 });
    await visitor.goto(`${app.server.baseUrl}${list.page}`);
    await expect.poll(() => visitor.locator("#livemark").isVisible(), { timeout: 30_000 }).toBe(true);
    await expectYourListsInside(visitor, width);
    await visitor.close();

    for (const [opener, dialog] of [
      ["Add New Item", "#itemform"],
      ["New list", "#newlistform"],
    ] as const) {
      await page.getByRole("button", { name: opener, exact: true }).click();
      const dialogBox = (await page.locator(dialog).boundingBox())!;
      expect(dialogBox.x + dialogBox.width).toBeLessThanOrEqual(width);
      expect(await pageWidth(page)).toBe(width);
      await page.keyboard.press("Escape");
    }
    await page.close();
  });

  it("the header is at most 96 px, opaque, with the title on one line until tapped", async () => {
    const { page } = await ownedListOnPhone(width);
    const header = page.locator("header.topbar");
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(HEADER_MAX_PX);
    const background = await header.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).toMatch(/^rgb\(/);

    const title = page.locator("h1");
    expect(await title.textContent()).toBe(LONG_TITLE);
    const oneLine = await title.evaluate((element) => parseFloat(getComputedStyle(element).lineHeight));
    expect((await title.boundingBox())!.height).toBeLessThanOrEqual(oneLine + 1);
    expect(await title.getAttribute("title")).toBe(LONG_TITLE);

    await title.click();
    expect((await title.boundingBox())!.height).toBeGreaterThan(oneLine * 1.5);
    expect(await title.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await title.press("Enter");
    expect((await title.boundingBox())!.height).toBeLessThanOrEqual(oneLine + 1);
    await page.close();
  });

  it("every control is at least 24×24 px, and an item's controls at least 32 px tall", async () => {
    const { page } = await ownedListOnPhone(width);
    await page.getByText("Your lists", { exact: true }).click();
    const controls = await controlSizes(page, "button, summary, a, input, [tabindex='0']");
    expect(controls.length).toBeGreaterThan(8);
    for (const control of controls) {
      expect(control.width, control.name).toBeGreaterThanOrEqual(24);
      expect(control.height, control.name).toBeGreaterThanOrEqual(24);
    }
    await page.keyboard.press("Escape");
    // On a phone a row's Edit and Remove show once it is tapped (compactLayout.test.ts).
    const first = page.locator("#mainlist .itementry").first();
    await first.locator("h2").click();
    await first.getByRole("button", { name: "Remove" }).click();
    const itemControls = await controlSizes(page, "#mainlist .itementry button");
    expect(itemControls.map((control) => control.name)).toEqual(expect.arrayContaining(["BUTTON Undo", "BUTTON Edit", "BUTTON Remove"]));
    for (const control of itemControls) {
      expect(control.height, control.name).toBeGreaterThanOrEqual(32);
      expect(control.width, control.name).toBeGreaterThanOrEqual(32);
    }
    await page.close();
  });
});
