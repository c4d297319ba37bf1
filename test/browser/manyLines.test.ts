/**
 * Several lines in the add dialog's Title, in real Chromium: pasted lines
 * become one item each, in the order pasted, on every open page; one Undo
 * takes them all back; list marks come off and `[x]` lines are added done; a
 * bad line keeps the dialog open, naming it.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { addThroughDialog, browserAndApp, card, createTestList, openLive, storedTitles, titles } from "./pageDriver";

// Clipboard access, so a test can paste as a person does (Ctrl+V), not type.
const app = browserAndApp({ permissions: ["clipboard-read", "clipboard-write"] });

async function pasteIntoTitle(page: Page, text: string): Promise<void> {
  await page.getByRole("button", { name: "Add New Item", exact: true }).click();
  await page.evaluate((pasted) => navigator.clipboard.writeText(pasted), text);
  await page.locator("#itemtitle").focus();
  await page.keyboard.press("Control+V");
}

describe("adding several lines at once", () => {
  it("pasting Apples⏎Pears⏎Plums into Title adds three items in that order, on a second page too, and one Undo removes all three", async () => {
    const list = await createTestList(app.server.baseUrl);
    const [adder, watcher] = await Promise.all([
      app.person().then((context) => openLive(context, app.server.baseUrl, list.page)),
      app.person().then((context) => openLive(context, app.server.baseUrl, list.page)),
    ]);
    await pasteIntoTitle(adder, "Apples\nPears\nPlums");
    expect(await adder.locator("#itemtitle").inputValue()).toBe("Apples\nPears\nPlums");
    expect(await adder.locator("#itemtitlelines").innerText()).toBe("Adds 3 items");
    await adder.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();

    expect(await adder.locator("#addedbar").innerText()).toBe("Added 3 items. Undo");
    await expect.poll(() => titles(watcher), { timeout: 15_000 }).toEqual(["Apples", "Pears", "Plums"]);
    await expect.poll(() => titles(adder), { timeout: 15_000 }).toEqual(["Apples", "Pears", "Plums"]);
    expect(await storedTitles(app.server.baseUrl, list.items)).toEqual(["Apples", "Pears", "Plums"]);

    const undo = adder.locator("#addedbar").getByRole("button", { name: "Undo", exact: true });
    const size = await undo.boundingBox();
    expect(Math.min(size!.width, size!.height)).toBeGreaterThanOrEqual(24);
    await undo.click();
    expect(await adder.locator("#addedbar").innerText()).toBe("Removed 3 items.");
    await expect.poll(() => titles(adder), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => titles(watcher), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => storedTitles(app.server.baseUrl, list.items), { timeout: 15_000 }).toEqual([]);
  });

  it("offline, the lines wait as one entry; Undo then takes it out unsent, so nothing reaches the list when the network is back", async () => {
    const list = await createTestList(app.server.baseUrl);
    const context = await app.person();
    const page = await openLive(context, app.server.baseUrl, list.page);
    let posts = 0;
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith(list.items)) posts++;
    });
    await context.setOffline(true);
    await pasteIntoTitle(page, "Apples\nPears");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#mainlist .itementry.pending h2").allTextContents()).toEqual(["Apples", "Pears"]);
    const queued = await page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith("listroom.outbox")).map(([, value]) => JSON.parse(value)));
    expect(queued.flat().map((entry: { kind: string; lines: { title: string }[] }) => [entry.kind, entry.lines.map((line) => line.title)])).toEqual([["batch", ["Apples", "Pears"]]]);

    await page.locator("#addedbar").getByRole("button", { name: "Undo", exact: true }).click();
    expect(await page.locator("#mainlist .itementry.pending").count()).toBe(0);
    const triedWhileOffline = posts;
    await context.setOffline(false);
    // The outbox sends in order: a save made now lands only after anything still queued before it.
    await addThroughDialog(page, "Added later", "");
    await expect.poll(() => storedTitles(app.server.baseUrl, list.items), { timeout: 30_000 }).toEqual(["Added later"]);
    expect(posts).toBe(triedWhileOffline + 1);
  });

  it("takes list marks off, adds [x] lines done, and skips blank lines", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await pasteIntoTitle(page, "- [x] Bread\n\n* Milk\n1. Eggs\n  • [ ] Butter\n");
    expect(await page.locator("#itemtitlelines").innerText()).toBe("Adds 4 items");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => titles(page), { timeout: 15_000 }).toEqual(["Bread", "Milk", "Eggs", "Butter"]);
    // Once the list has the items, in place of the cards that showed them being sent.
    await expect.poll(() => page.locator("#mainlist .itementry.pending").count(), { timeout: 15_000 }).toBe(0);
    expect(await card(page, "Bread").getByRole("checkbox").isChecked()).toBe(true);
    expect(await card(page, "Milk").getByRole("checkbox").isChecked()).toBe(false);
  });

  it("Shift+Enter starts another line; a bad line keeps the dialog open, naming it, and nothing is sent", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    const title = page.locator("#itemtitle");
    await title.pressSequentially("Apples");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.insertText("x".repeat(201));
    expect(await page.locator("#itemtitlelines").innerText()).toBe("Adds 2 items");
    expect(await page.locator("#itemtitlecounter").innerText()).toBe("201 / 200");
    await page.keyboard.press("Control+Enter");
    expect(await page.locator("#formerror").innerText()).toBe("Line 2: Title is 201 characters; the limit is 200.");
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#itemform").evaluate((dialog) => (dialog as HTMLDialogElement).open)).toBe(true);

    // Enter alone still moves on to Main Text; then a body with several lines is refused, since it goes with one item.
    await title.fill("Apples\nPears");
    await title.press("End");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("itemtext");
    await page.keyboard.insertText("ripe");
    await page.keyboard.press("Control+Enter");
    expect(await page.locator("#formerror").innerText()).toMatch(/^Main Text goes with one item/);
    expect(await storedTitles(app.server.baseUrl, list.items)).toEqual([]);
  });
});
