/**
 * Lists in real Chromium against the real app under `wrangler dev`: each
 * list's pages hear only that list, "New list" and the owner link, renaming
 * in place, what a non-owner sees, the 404 page, and the head count. Each
 * person is a browser context of their own (their own localStorage).
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ListInfo } from "../../src/protocol/lists";
import { addThroughDialog, browserAndApp, storedTitles, titles } from "./pageDriver";

const WAIT_MS = 30_000;
const LIST_PAGE = /\/l\/([A-Za-z0-9_-]{16,64})$/;

const app = browserAndApp({ permissions: ["clipboard-read", "clipboard-write"] });
const person = () => app.person();

async function waitLive(page: Page): Promise<void> {
  await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
}

/** Opens `path` (a path or a full link) in a new page of `context` and waits until it is live. */
async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(path.startsWith("http") ? path : `${app.server.baseUrl}${path}`);
  await waitLive(page);
  return page;
}

async function createList(title: string): Promise<{ list: ListInfo; ownerKey: string }> {
  const response = await fetch(`${app.server.baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { list: ListInfo; ownerKey: string };
}

async function storedList(id: string): Promise<ListInfo> {
  return ((await (await fetch(`${app.server.baseUrl}/api/lists/${id}`)).json()) as { list: ListInfo }).list;
}

async function postItem(itemsPath: string, title: string): Promise<void> {
  const response = await fetch(`${app.server.baseUrl}${itemsPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body: "b" }),
  });
  expect(response.status).toBe(201);
}

/** Waits until the page shows exactly `expected`, every one of them confirmed by its frame (none pending). */
async function expectShown(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(expected);
  await expect.poll(() => page.locator("#mainlist .itementry.pending").count(), { timeout: WAIT_MS }).toBe(0);
}

/** Presses a copy button and returns what it copied: from the clipboard, or from the field shown when that is refused. */
async function copied(page: Page, button: "Copy link" | "Copy owner link"): Promise<string> {
  await page.evaluate(() => (document.getElementById("sharenote")!.textContent = ""));
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect.poll(() => page.locator("#sharenote").textContent(), { timeout: WAIT_MS }).not.toBe("");
  const field = page.locator("#linkfield");
  return (await field.isVisible()) ? field.inputValue() : page.evaluate(() => navigator.clipboard.readText());
}

describe("lists in the browser", () => {
  it("a save on list A reaches list A's pages only, and list B's only list B's", async () => {
    const [a, b] = [await createList("List A"), await createList("List B")];
    const [aItems, bItems] = [`/api/lists/${a.list.id}/items`, `/api/lists/${b.list.id}/items`];
    const [a1, a2, b1] = [
      await open(await person(), `/l/${a.list.id}`),
      await open(await person(), `/l/${a.list.id}`),
      await open(await person(), `/l/${b.list.id}`),
    ];
    expect(await a1.locator("h1").textContent()).toBe("List A");
    expect(await b1.locator("h1").textContent()).toBe("List B");

    await addThroughDialog(a1, "Only for A", "from the page");
    await expectShown(a2, ["Only for A"]);
    await addThroughDialog(b1, "Only for B", "from the page");
    await expectShown(b1, ["Only for B"]);
    // Saved after A's items, so B's page has had every chance to (wrongly) hear them first.
    await addThroughDialog(a2, "A again", "from the page");
    await postItem(bItems, "B again");
    await expectShown(b1, ["B again", "Only for B"]);
    for (const page of [a1, a2]) await expectShown(page, ["A again", "Only for A"]);

    expect(await storedTitles(app.server.baseUrl, aItems)).toEqual(["A again", "Only for A"]);
    expect(await storedTitles(app.server.baseUrl, bItems)).toEqual(["B again", "Only for B"]);
    const onMain = await storedTitles(app.server.baseUrl, "/api/items");
    expect(onMain.filter((title) => /Only for|again/.test(title))).toEqual([]);
    // Each list's unsent saves wait in a queue of their own.
    const queues = await a1.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("listroom.outbox")));
    expect(queues).toEqual([`listroom.outbox.v1:${a.list.id}`]);
  });

  it("New list makes one and goes there; its owner link lets another browser rename it, and the rename shows", async () => {
    const creator = await person();
    const home = await open(creator, "/");
    await home.getByRole("button", { name: "New list", exact: true }).click();
    await home.locator("#newlisttitle").fill("Trip to Lisbon");
    await home.getByRole("button", { name: "Create list", exact: true }).click();
    await home.waitForURL(LIST_PAGE, { timeout: WAIT_MS });
    await waitLive(home);
    const id = LIST_PAGE.exec(new URL(home.url()).pathname)![1]!;
    expect(await home.locator("h1").textContent()).toBe("Trip to Lisbon");
    expect(await home.title()).toBe("Trip to Lisbon · Listroom");
    expect(await home.getByRole("button", { name: "Rename list" }).isVisible()).toBe(true);

    expect(await copied(home, "Copy link")).toBe(`${app.server.baseUrl}/l/${id}`);
    const ownerLink = await copied(home, "Copy owner link");
    expect(ownerLink).toMatch(new RegExp(`^${app.server.baseUrl}/l/${id}#owner=[A-Za-z0-9_-]{22,}$`));

    // Another browser opens the owner link: it keeps the key and the address bar loses it.
    const coOwner = await open(await person(), ownerLink);
    expect(coOwner.url()).toBe(`${app.server.baseUrl}/l/${id}`);
    await coOwner.getByRole("button", { name: "Rename list" }).click();
    const field = coOwner.getByLabel("List title");
    expect(await field.inputValue()).toBe("Trip to Lisbon");
    expect(await coOwner.evaluate(() => document.activeElement?.id)).toBe("renametitle");
    await field.fill("Lisbon, in May");
    await field.press("Enter");
    await expect.poll(() => coOwner.locator("h1").textContent(), { timeout: WAIT_MS }).toBe("Lisbon, in May");
    // The renamed frame (protocol 4) may show the title before the rename's own answer closes the form.
    await expect.poll(() => coOwner.locator("#renameform").isVisible(), { timeout: WAIT_MS }).toBe(false);
    expect(await coOwner.title()).toBe("Lisbon, in May · Listroom");
    expect((await storedList(id)).title).toBe("Lisbon, in May");

    // The creator sees the new title on the next load, and has both lists under "Your lists", newest first.
    await home.reload();
    await waitLive(home);
    expect(await home.locator("h1").textContent()).toBe("Lisbon, in May");
    await home.getByText("Your lists", { exact: true }).click();
    const links = home.locator("#yourlistsitems a");
    expect(await links.allTextContents()).toEqual(["Lisbon, in May", "Listroom"]);
    expect(await links.first().getAttribute("aria-current")).toBe("page");
    expect(await links.nth(1).getAttribute("href")).toBe("/");
  });

  it("an owner link is checked before its key is kept: a good one is kept on a fresh browser, a bad one keeps the real key and says so", async () => {
    const { list, ownerKey } = await createList("Checked owner links");
    const storedKey = (page: Page) => page.evaluate((id) => localStorage.getItem(`listroom.owner.v1:${id}`), list.id);
    const owner = await person();

    const good = await open(owner, `/l/${list.id}#owner=${ownerKey}`);
    await expect.poll(() => storedKey(good), { timeout: WAIT_MS }).toBe(ownerKey);
    expect(good.url()).toBe(`${app.server.baseUrl}/l/${list.id}`);
    await expect.poll(() => good.locator("#renamelist").isVisible(), { timeout: WAIT_MS }).toBe(true);

    // A prank link, or a typo: the key that works stays, and the page says the link is not valid.
    const bad = await open(owner, `/l/${list.id}#owner=garbage`);
    await expect.poll(() => bad.locator("#sharenote").textContent(), { timeout: WAIT_MS }).toBe("That owner link is not valid for this list.");
    expect(bad.url()).toBe(`${app.server.baseUrl}/l/${list.id}`);
    expect(await storedKey(bad)).toBe(ownerKey);
    expect(await bad.locator("#renamelist").isVisible()).toBe(true);
    expect(await bad.locator("#copyownerlink").isVisible()).toBe(true);
    expect(await copied(bad, "Copy owner link")).toBe(`${app.server.baseUrl}/l/${list.id}#owner=${ownerKey}`);

    // A fresh browser given the bad link keeps nothing and offers no owner controls.
    const stranger = await open(await person(), `/l/${list.id}#owner=garbage`);
    await expect.poll(() => stranger.locator("#sharenote").textContent(), { timeout: WAIT_MS }).toBe("That owner link is not valid for this list.");
    expect(await storedKey(stranger)).toBeNull();
    expect(await stranger.locator("#renamelist").isHidden()).toBe(true);
  });

  it("someone with the share link sees the list but cannot rename it", async () => {
    const { list } = await createList("Read and add only");
    const visitor = await open(await person(), `/l/${list.id}`);
    expect(await visitor.locator("h1").textContent()).toBe("Read and add only");
    expect(await visitor.getByRole("button", { name: "Copy link", exact: true }).isVisible()).toBe(true);
    // Present in the page, but hidden, and so not offered to anyone (nor to assistive technology).
    expect(await visitor.locator("#renamelist").isHidden()).toBe(true);
    expect(await visitor.locator("#copyownerlink").isHidden()).toBe(true);
    expect(await visitor.getByRole("button", { name: /Rename list|Copy owner link/ }).count()).toBe(0);
  });

  it("a rename that is refused says why, and changes nothing", async () => {
    const { list } = await createList("Guarded");
    // A browser that holds a key that no longer works (an owner link is checked before it is kept, so it
    // cannot give one): the page offers Rename, and the server refuses it.
    const page = await open(await person(), `/l/${list.id}`);
    await page.evaluate((id) => localStorage.setItem(`listroom.owner.v1:${id}`, "notTheOwnerKey"), list.id);
    await page.reload();
    await waitLive(page);
    await page.getByRole("button", { name: "Rename list" }).click();
    const field = page.getByLabel("List title");

    await field.fill("x".repeat(101));
    await field.press("Enter");
    expect(await page.locator("#renameerror").textContent()).toBe("Title is 101 characters; the limit is 100.");
    expect(await field.getAttribute("aria-invalid")).toBe("true");

    await field.fill("Taken over");
    await field.press("Enter");
    await expect
      .poll(() => page.locator("#renameerror").textContent(), { timeout: WAIT_MS })
      .toMatch(/^Could not rename the list: that is not this list's owner key/);
    expect(await page.locator("#renameerror").getAttribute("role")).toBe("alert");
    await page.locator("#cancelrename").click();
    expect(await page.locator("h1").textContent()).toBe("Guarded");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("renamelist");
    expect((await storedList(list.id)).title).toBe("Guarded");
  });

  it("an unknown list's page is a 404 that leads home", async () => {
    const page = await (await person()).newPage();
    const response = await page.goto(`${app.server.baseUrl}/l/${"n".repeat(22)}`);
    expect(response?.status()).toBe(404);
    const home = page.getByRole("link", { name: "Go to the shared list" });
    expect(await home.getAttribute("href")).toBe("/");
    await home.click();
    await page.waitForURL(`${app.server.baseUrl}/`, { timeout: WAIT_MS });
    await waitLive(page);
  });

  it("shows how many are here: 2 with two pages open, nothing once alone again", async () => {
    const { list } = await createList("Who is here");
    const first = await open(await person(), `/l/${list.id}`);
    const second = await open(await person(), `/l/${list.id}`);
    for (const page of [first, second]) {
      await expect.poll(() => page.locator("#presence").textContent(), { timeout: WAIT_MS }).toBe("2 here");
      expect(await page.locator("#presence").isVisible()).toBe(true);
    }
    await second.close();
    await expect.poll(() => first.locator("#presence").isVisible(), { timeout: WAIT_MS }).toBe(false);
  });
});
