/**
 * The page's keys in real Chromium: `n` opens Add New Item, except while
 * typing in a field; an open dialog keeps Tab inside it and, once closed,
 * gives focus back to what opened it.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAndApp, createTestList, openLive } from "./pageDriver";

const app = browserAndApp();

/** Where focus is: the id of the focused element and of the open dialog it is in, if any. */
const focusIn = (page: Page) =>
  page.evaluate(() => ({ id: document.activeElement?.id ?? "", dialog: document.activeElement?.closest("dialog[open]")?.id ?? null }));

describe("keys", () => {
  it("n opens Add New Item, with focus in its title, and types nothing", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await page.keyboard.press("n");
    expect(await page.locator("#itemform").evaluate((dialog) => (dialog as HTMLDialogElement).open)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("itemtitle");
    expect(await page.locator("[name=itemtitle]").inputValue()).toBe("");
    await page.keyboard.press("n");
    expect(await page.locator("[name=itemtitle]").inputValue()).toBe("n");
    await page.close();
  });

  it("n typed in a field stays in the field", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, `${list.page}#owner=${list.ownerKey}`);
    const addOpen = () => page.locator("#itemform").evaluate((dialog) => (dialog as HTMLDialogElement).open);
    await page.getByRole("button", { name: "Rename list", exact: true }).click();
    await page.keyboard.press("End");
    await page.keyboard.type(" now");
    expect(await page.locator("#renametitle").inputValue()).toBe("Test list now");
    expect(await addOpen()).toBe(false);

    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("renamelist");
    await page.keyboard.press("Shift+N");
    expect(await addOpen()).toBe(false);
    await page.keyboard.press("n");
    expect(await addOpen()).toBe(true);
    await page.close();
  });

  it("Tab and Shift+Tab stay inside an open dialog, clicks beside it do nothing, and closing gives focus back to its opener", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    for (const [opener, dialog, openerId] of [
      ["Add New Item", "itemform", "additem"],
      ["New list", "newlistform", "newlist"],
    ] as const) {
      await page.getByRole("button", { name: opener, exact: true }).click();
      for (const key of ["Tab", "Shift+Tab"]) {
        for (let press = 0; press < 6; press += 1) {
          await page.keyboard.press(key);
          expect((await focusIn(page)).dialog).toBe(dialog);
        }
      }
      // Beside the dialog is its backdrop: the title under it is not clicked, and the dialog stays open.
      const title = (await page.locator("h1").boundingBox())!;
      await page.mouse.click(title.x + title.width / 2, title.y + title.height / 2);
      expect(await page.locator("h1").evaluate((title) => title.classList.contains("whole"))).toBe(false);
      expect(await page.locator(`#${dialog}`).evaluate((element) => (element as HTMLDialogElement).open)).toBe(true);
      await page.keyboard.press("Tab");
      expect((await focusIn(page)).dialog).toBe(dialog);
      await page.keyboard.press("Escape");
      expect(await page.locator(`#${dialog}`).evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);
      expect(await focusIn(page)).toEqual({ id: openerId, dialog: null });
    }
    await page.close();
  });
});
