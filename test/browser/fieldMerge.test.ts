/**
 * Changes merged by field (protocol 5), as people make them in real
 * Chromium against the app under `wrangler dev`: a tick and a title edit on
 * the same version both land; one person's own offline changes never
 * collide with each other; two people offline changing different fields
 * both land; and when two people change the same title, the second sees
 * both versions and chooses, losing nothing typed. Each person is a browser
 * context of their own (their own writer id and edit keys); each test has a
 * list of its own. The page under test is never controlled by its service
 * worker (no reload), so `setOffline` cuts all its traffic.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  addThroughDialog,
  browserAndApp,
  card,
  createTestList,
  editThroughDialog,
  openLive,
  storedItems,
  titles,
  type TestList,
} from "./pageDriver";

const WAIT_MS = 30_000;

const app = browserAndApp();

async function open(context: BrowserContext, path: string): Promise<Page> {
  return openLive(context, app.server.baseUrl, path);
}

/** Title, body and done of each item the server holds, newest first. */
async function stored(list: TestList): Promise<[string, string, boolean][]> {
  return (await storedItems(app.server.baseUrl, list.items)).map((item) => [item.title, item.body, item.done]);
}

/** Until `page` may edit the item titled `title`: its save is confirmed and its key kept (or the owner link checked). */
async function canEdit(page: Page, title: string): Promise<void> {
  await expect.poll(() => card(page, title).getByRole("button", { name: "Edit", exact: true }).isVisible(), { timeout: WAIT_MS }).toBe(true);
}

function tickBox(page: Page, title: string) {
  return page.getByRole("checkbox", { name: `Done: ${title}`, exact: true });
}

/** Nothing was said about a refused or collided change. */
async function saysNothingRefused(page: Page): Promise<void> {
  expect(await page.locator("#changenote").isHidden()).toBe(true);
  expect(await page.locator("#itemform").isVisible()).toBe(false);
}

describe("changes merged by field", () => {
  it("A ticks an item while B edits its title: both land, and B's text is kept", async () => {
    const list = await createTestList(app.server.baseUrl, "Tick and edit");
    const b = await open(await app.person(), list.page);
    await addThroughDialog(b, "Milk", "");
    await canEdit(b, "Milk");
    const a = await open(await app.person(), list.page);
    await expect.poll(() => titles(a), { timeout: WAIT_MS }).toEqual(["Milk"]);

    await card(b, "Milk").getByRole("button", { name: "Edit", exact: true }).click();
    await tickBox(a, "Milk").check();
    // The tick has reached B's page (and so the server) while B's dialog is open.
    await expect.poll(() => tickBox(b, "Milk").isChecked(), { timeout: WAIT_MS }).toBe(true);
    await b.locator("#itemformmain input[name=itemtitle]").fill("Milk (2 litres)");
    await b.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();

    await expect.poll(() => stored(list), { timeout: WAIT_MS }).toEqual([["Milk (2 litres)", "", true]]);
    for (const page of [a, b]) {
      await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(["Milk (2 litres)"]);
      expect(await tickBox(page, "Milk (2 litres)").isChecked()).toBe(true);
      await saysNothingRefused(page);
    }
  });

  it("one person offline ticks and edits an item, and edits another twice: back online, every change lands in order, with no conflict", async () => {
    const list = await createTestList(app.server.baseUrl, "Alone offline");
    const context = await app.person();
    const page = await open(context, list.page);
    await addThroughDialog(page, "Cheese", "");
    await addThroughDialog(page, "Rice", "long grain");
    await canEdit(page, "Cheese");
    await canEdit(page, "Rice");

    await context.setOffline(true);
    await tickBox(page, "Cheese").check();
    await editThroughDialog(page, "Cheese", { body: "cheddar, mature" });
    await editThroughDialog(page, "Rice", { title: "Rice 1 kg" });
    // The second edit opens with what the card shows, the unsent edit included.
    await editThroughDialog(page, "Rice 1 kg", { title: "Rice 2 kg" }, "long grain");
    expect(await titles(page)).toEqual(["Rice 2 kg", "Cheese"]);
    expect(await stored(list)).toEqual([
      ["Rice", "long grain", false],
      ["Cheese", "", false],
    ]);

    await context.setOffline(false);
    await expect.poll(() => stored(list), { timeout: WAIT_MS }).toEqual([
      ["Rice 2 kg", "long grain", false],
      ["Cheese", "cheddar, mature", true],
    ]);
    // One version per change, each applied once.
    expect((await storedItems(app.server.baseUrl, list.items)).map((item) => item.version)).toEqual([3, 3]);
    await expect.poll(() => page.locator(".itementry.unsent").count(), { timeout: WAIT_MS }).toBe(0);
    expect(await titles(page)).toEqual(["Rice 2 kg", "Cheese"]);
    await saysNothingRefused(page);
  });

  it("two people offline change different fields of one item: back online, all of it lands", async () => {
    const list = await createTestList(app.server.baseUrl, "Both offline");
    const bContext = await app.person();
    const b = await open(bContext, list.page);
    await addThroughDialog(b, "Butter", "");
    await canEdit(b, "Butter");
    const aContext = await app.person();
    const a = await open(aContext, `${list.page}#owner=${list.ownerKey}`);
    await canEdit(a, "Butter");

    await aContext.setOffline(true);
    await bContext.setOffline(true);
    await editThroughDialog(a, "Butter", { title: "Butter (salted)" });
    await tickBox(b, "Butter").check();
    await editThroughDialog(b, "Butter", { body: "250 g" });

    await bContext.setOffline(false);
    await expect.poll(() => stored(list), { timeout: WAIT_MS }).toEqual([["Butter", "250 g", true]]);
    await aContext.setOffline(false);
    await expect.poll(() => stored(list), { timeout: WAIT_MS }).toEqual([["Butter (salted)", "250 g", true]]);
    for (const page of [a, b]) {
      await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(["Butter (salted)"]);
      expect(await card(page, "Butter (salted)").locator("div").first().textContent()).toBe("250 g");
      expect(await tickBox(page, "Butter (salted)").isChecked()).toBe(true);
      await saysNothingRefused(page);
    }
  });

  it("two people edit one title: the second sees both versions and chooses, and nothing typed is lost", async () => {
    const list = await createTestList(app.server.baseUrl, "Same field");
    const saver = await open(await app.person(), list.page);
    await addThroughDialog(saver, "Jam", "");
    await addThroughDialog(saver, "Bread", "one loaf");
    await canEdit(saver, "Bread");
    await canEdit(saver, "Jam");
    const owner = await open(await app.person(), `${list.page}#owner=${list.ownerKey}`);
    await canEdit(owner, "Bread");
    const dialog = owner.locator("#itemform");
    const titleField = owner.locator("#itemformmain input[name=itemtitle]");

    /** Both open the edit dialog on `title`; the saver saves `first`, then the owner saves `second`. */
    const bothEdit = async (title: string, first: string, second: string) => {
      await card(owner, title).getByRole("button", { name: "Edit", exact: true }).click();
      await editThroughDialog(saver, title, { title: first });
      await expect.poll(() => titles(owner), { timeout: WAIT_MS }).toContain(first);
      await titleField.fill(second);
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      await expect.poll(() => owner.locator("#theirs").textContent(), { timeout: WAIT_MS }).toBe(`Title there: ${first}`);
      expect(await titleField.inputValue()).toBe(second);
      expect(await owner.locator("#formerror").textContent()).toBe(
        `“${first}” was changed on another page or device too. Your text is below, theirs beside it: keep yours, or take theirs.`,
      );
    };

    await bothEdit("Bread", "Rye bread", "White bread");
    expect((await stored(list)).map(([title]) => title)).toEqual(["Rye bread", "Jam"]);
    await dialog.getByRole("button", { name: "Keep mine", exact: true }).click();
    await expect.poll(() => stored(list), { timeout: WAIT_MS }).toEqual([
      ["White bread", "one loaf", false],
      ["Jam", "", false],
    ]);
    await expect.poll(() => titles(saver), { timeout: WAIT_MS }).toEqual(["White bread", "Jam"]);

    await bothEdit("Jam", "Strawberry jam", "Plum jam");
    await dialog.getByRole("button", { name: "Take theirs", exact: true }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect(await titles(owner)).toEqual(["White bread", "Strawberry jam"]);
    // Taking theirs queues nothing to send.
    expect(await owner.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("listroom.outbox") && localStorage.getItem(key) !== "[]"))).toEqual([]);
    expect(await stored(list)).toEqual([
      ["White bread", "one loaf", false],
      ["Strawberry jam", "", false],
    ]);
    for (const page of [saver, owner]) expect(await page.locator("#changenote").isHidden()).toBe(true);
  });
});
