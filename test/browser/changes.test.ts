/**
 * Edits and removals in real Chromium against the real app under `wrangler
 * dev`: made in one page and seen in another, updated in place under a
 * reader, Undo within the window, an edit made offline that arrives once,
 * an edit whose title an API client changed meanwhile coming back with both
 * versions to choose from, and an owner removing someone else's item. Each
 * person is a browser context of their own (their own localStorage, so their
 * own edit keys); each test has a list of its own.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/protocol/item";
import type { ListInfo } from "../../src/protocol/lists";
import { addThroughDialog, browserAndApp, editThroughDialog, titles } from "./pageDriver";

const WAIT_MS = 30_000;
/** Longer than the page's Undo window (src/client/core/undoWindow.ts), with room for a busy machine. */
const PAST_UNDO_WINDOW_MS = 6_500;

const app = browserAndApp();
const person = () => app.person();

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${app.server.baseUrl}${path}`);
  await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
  return page;
}

async function createList(title: string): Promise<{ list: ListInfo; ownerKey: string; page: string; items: string }> {
  const response = await fetch(`${app.server.baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { list: ListInfo; ownerKey: string };
  return { ...created, page: `/l/${created.list.id}`, items: `/api/lists/${created.list.id}/items` };
}

async function postItem(itemsPath: string, title: string): Promise<Item> {
  const response = await fetch(`${app.server.baseUrl}${itemsPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body: "b" }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { item: Item }).item;
}

/** What the server holds on a list's newest page. */
async function stored(itemsPath: string): Promise<Item[]> {
  return ((await (await fetch(`${app.server.baseUrl}${itemsPath}`)).json()) as { items: Item[] }).items;
}

/** The item on `page` whose title is exactly `title`. */
function entry(page: Page, title: string): Locator {
  return page.locator("#mainlist .itementry").filter({ has: page.locator("h2").getByText(title, { exact: true }) });
}

async function expectTitles(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(expected);
}

/** Counts, in `page`, every time the text of the item now titled `title` is set (from now on). */
async function countTitleChanges(page: Page, title: string): Promise<() => Promise<number>> {
  await entry(page, title).locator("h2").evaluate((heading) => {
    const record = globalThis as unknown as { titleChanges: number };
    record.titleChanges = 0;
    new MutationObserver((mutations) => (record.titleChanges += mutations.length)).observe(heading, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  return () => page.evaluate(() => (globalThis as unknown as { titleChanges: number }).titleChanges);
}

describe("edits and removals in the browser", () => {
  it("an edit and a removal made in one page are seen in another, the edit in place under a reader", async () => {
    const list = await createList("Edits");
    for (let n = 1; n <= 25; n++) await postItem(list.items, `Filler ${n}`);
    const writer = await open(await person(), list.page);
    await addThroughDialog(writer, "Milk", "two litres");
    await expect.poll(() => entry(writer, "Milk").locator(".meta").textContent(), { timeout: WAIT_MS }).not.toBe("saved");
    for (let n = 26; n <= 40; n++) await postItem(list.items, `Filler ${n}`);

    const reader = await open(await person(), list.page);
    const milk = entry(reader, "Milk");
    await expect.poll(() => milk.count(), { timeout: WAIT_MS }).toBe(1);
    // Only whoever saved it (or an owner) may change it.
    expect(await reader.getByRole("button", { name: "Edit", exact: true }).count()).toBe(0);
    expect(await entry(writer, "Milk").getByRole("button", { name: "Remove", exact: true }).isVisible()).toBe(true);
    expect(await entry(writer, "Filler 1").getByRole("button", { name: "Edit", exact: true }).isVisible()).toBe(false);

    // The reader is scrolled down to the item, reading.
    await reader.setViewportSize({ width: 800, height: 400 });
    await milk.evaluate((element) => {
      element.dataset.reading = "yes";
      element.scrollIntoView({ block: "center" });
    });
    const scrolledTo = await reader.evaluate(() => scrollY);
    expect(scrolledTo).toBeGreaterThan(0);

    await editThroughDialog(writer, "Milk", { title: "Oat milk" });
    await expect.poll(() => entry(reader, "Oat milk").count(), { timeout: WAIT_MS }).toBe(1);
    expect(await entry(reader, "Oat milk").getAttribute("data-reading")).toBe("yes");
    expect(await reader.evaluate(() => scrollY)).toBe(scrolledTo);
    expect(await entry(reader, "Oat milk").locator(".meta").textContent()).toMatch(/· edited$/);
    expect((await stored(list.items)).find((item) => item.title === "Oat milk")?.version).toBe(2);

    await entry(writer, "Oat milk").getByRole("button", { name: "Remove", exact: true }).click();
    const removing = writer.locator("#mainlist .itementry.removed");
    expect(await removing.locator(".removednote").innerText()).toBe("Removed “Oat milk” · Undo");
    await expect.poll(() => entry(reader, "Oat milk").count(), { timeout: WAIT_MS }).toBe(0);
    await expect.poll(() => entry(writer, "Oat milk").count(), { timeout: WAIT_MS }).toBe(0);
    expect((await stored(list.items)).map((item) => item.title)).not.toContain("Oat milk");
  });

  it("Undo keeps the item, and nothing reaches the server", async () => {
    const list = await createList("Undo");
    const page = await open(await person(), list.page);
    await addThroughDialog(page, "Keep me", "please");
    await expectTitles(page, ["Keep me"]);
    const changes: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "DELETE" || request.method() === "PATCH") changes.push(`${request.method()} ${request.url()}`);
    });

    await entry(page, "Keep me").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => page.locator(".removednote").first().isVisible()).toBe(true);
    expect(await page.locator("#mainlist .itementry.removed h2").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    expect(await entry(page, "Keep me").isVisible()).toBe(true);
    expect(await entry(page, "Keep me").locator(".removednote").isVisible()).toBe(false);

    await page.waitForTimeout(PAST_UNDO_WINDOW_MS);
    await page.reload();
    await expectTitles(page, ["Keep me"]);
    expect(changes).toEqual([]);
    expect((await stored(list.items)).map((item) => item.title)).toEqual(["Keep me"]);
  });

  it("an edit made offline survives a reload there and arrives once when the network is back", async () => {
    const list = await createList("Offline edit");
    const offline = await person();
    const editor = await open(offline, list.page);
    await editor.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await addThroughDialog(editor, "Train ticket", "return");
    const other = await open(await person(), list.page);
    await expectTitles(other, ["Train ticket"]);
    await expectTitles(editor, ["Train ticket"]);
    const titleChanges = await countTitleChanges(other, "Train ticket");

    await offline.setOffline(true);
    // Chromium's offline emulation does not cover what a page its service
    // worker controls (as it does after the reload) sends through to the
    // network, so the server is down too: nothing can reach it meanwhile.
    await app.server.stop();
    await editThroughDialog(editor, "Train ticket", { title: "Train ticket, seat 42" });
    await expect.poll(() => entry(editor, "Train ticket, seat 42").locator(".meta").textContent()).toBe("saving edit…");
    await editor.reload();
    await expect.poll(() => entry(editor, "Train ticket, seat 42").locator(".meta").textContent(), { timeout: WAIT_MS }).toBe("saving edit…");
    await app.server.start();

    await offline.setOffline(false);
    await expectTitles(other, ["Train ticket, seat 42"]);
    await expect.poll(() => entry(editor, "Train ticket, seat 42").locator(".meta").textContent(), { timeout: WAIT_MS }).toMatch(/· edited$/);
    // Give any duplicate time to arrive: the edit is applied, and sent, once.
    await other.waitForTimeout(2_000);
    expect(await titleChanges()).toBe(1);
    expect((await stored(list.items)).map((item) => [item.title, item.version])).toEqual([["Train ticket, seat 42", 2]]);
  });

  it("an edit of a title an API client changed meanwhile comes back with the person's text beside the other version; Keep mine saves it", async () => {
    const list = await createList("Conflict");
    const page = await open(await person(), list.page);
    await addThroughDialog(page, "Bread", "one loaf");
    await expectTitles(page, ["Bread"]);
    const [item] = await stored(list.items);

    await entry(page, "Bread").getByRole("button", { name: "Edit", exact: true }).click();
    // While the dialog is open, the owner changes the title over the API.
    const patched = await fetch(`${app.server.baseUrl}${list.items}/${item!.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${list.ownerKey}` },
      body: JSON.stringify({ title: "Rye bread" }),
    });
    expect(patched.status).toBe(200);
    await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(["Rye bread"]);
    await page.locator("#itemformmain input[name=itemtitle]").fill("White bread");
    await page.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();

    const dialog = page.locator("#itemform");
    await expect.poll(() => page.locator("#theirs").textContent(), { timeout: WAIT_MS }).toBe("Title there: Rye bread");
    expect(await page.locator("#itemformmain input[name=itemtitle]").inputValue()).toBe("White bread");
    expect(await page.locator("#formerror").textContent()).toMatch(/^“Rye bread” was changed on another page or device/);
    expect(await titles(page)).toEqual(["Rye bread"]);
    expect((await stored(list.items)).map((stored) => [stored.title, stored.version])).toEqual([["Rye bread", 2]]);

    await dialog.getByRole("button", { name: "Keep mine", exact: true }).click();
    await expect.poll(async () => (await stored(list.items)).map((stored) => [stored.title, stored.body, stored.version]), { timeout: WAIT_MS }).toEqual([["White bread", "one loaf", 3]]);
    await expectTitles(page, ["White bread"]);
    expect(await page.locator("#changenote").isHidden()).toBe(true);
  });

  it("an owner can edit and remove someone else's item; other visitors cannot", async () => {
    const list = await createList("Owned");
    const visitor = await open(await person(), list.page);
    await addThroughDialog(visitor, "Spam", "buy now");
    const owner = await open(await person(), `${list.page}#owner=${list.ownerKey}`);
    const bystander = await open(await person(), list.page);
    await expectTitles(owner, ["Spam"]);
    await expectTitles(bystander, ["Spam"]);
    expect(await bystander.getByRole("button", { name: /^(Edit|Remove)$/ }).count()).toBe(0);

    await editThroughDialog(owner, "Spam", { title: "Spam (flagged)" });
    await expectTitles(visitor, ["Spam (flagged)"]);
    await entry(owner, "Spam (flagged)").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => titles(visitor), { timeout: WAIT_MS }).toEqual([]);
    await expect.poll(() => titles(bystander), { timeout: WAIT_MS }).toEqual([]);
    expect(await stored(list.items)).toEqual([]);
  });
});
