/** The page's keys in real Chromium: `n` opens Add New Item, except while typing in a field. */
import { describe, expect, it } from "vitest";
import { browserAndApp, createTestList, openLive } from "./pageDriver";

const app = browserAndApp();

describe("keys", () => {
  it("n opens Add New Item, with focus in its title, and types nothing", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await page.keyboard.press("n");
    expect(await page.locator("#itemform").evaluate((dialog) => (dialog as HTMLDialogElement).open)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("itemtitle");
    expect(await page.locator("input[name=itemtitle]").inputValue()).toBe("");
    await page.keyboard.press("n");
    expect(await page.locator("input[name=itemtitle]").inputValue()).toBe("n");
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
});
