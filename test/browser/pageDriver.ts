/**
 * What every browser test does the same way: launch Debian's Chromium with
 * the flags this machine needs (and the app beside it), read the page as a
 * person sees it, add an item through the dialog, and read what the server
 * stored.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { Item } from "../../src/protocol/item";
import type { WranglerDev } from "../../tools/harness/wranglerDev";
import { startDevServer } from "../e2e/devServer";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Headless as root, and without the background traffic this closed network refuses. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

export interface BrowserAndApp {
  readonly browser: Browser;
  readonly server: WranglerDev;
  /** A person: a browser context of their own (their own localStorage), closed after the file. */
  person(): Promise<BrowserContext>;
}

/**
 * Chromium and the app under `wrangler dev` for one test file, both started
 * before its tests and stopped after; `serverVars` go on top of the tests' own.
 */
export function browserAndApp(personOptions: BrowserContextOptions = {}, serverVars: Record<string, string | number> = {}): BrowserAndApp {
  let browser: Browser | undefined;
  let server: WranglerDev | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startDevServer({ vars: serverVars })]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });
  return {
    get browser() {
      return browser!;
    },
    get server() {
      return server!;
    },
    async person() {
      const context = await browser!.newContext(personOptions);
      contexts.push(context);
      return context;
    },
  };
}

export function statusText(page: Page): Promise<string | null> {
  return page.locator("#statusmessage").textContent();
}

export function titles(page: Page): Promise<string[]> {
  return page.locator("#mainlist .itementry h2").allTextContents();
}

export async function addThroughDialog(page: Page, title: string, text: string): Promise<void> {
  await page.getByRole("button", { name: "Add New Item", exact: true }).click();
  await page.locator("#itemformmain input[name=itemtitle]").fill(title);
  await page.locator("#itemformmain textarea[name=itemtext]").fill(text);
  await page.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();
}

/** The items the server holds on a list's newest page (`/api/items` by default). */
export async function storedItems(baseUrl: string, itemsPath = "/api/items"): Promise<Item[]> {
  const response = await fetch(`${baseUrl}${itemsPath}`);
  return ((await response.json()) as { items: Item[] }).items;
}

/** The titles the server holds on a list's newest page (`/api/items` by default). */
export async function storedTitles(baseUrl: string, itemsPath = "/api/items"): Promise<string[]> {
  return (await storedItems(baseUrl, itemsPath)).map((item) => item.title);
}

/**
 * Opens the Edit dialog of the card titled `title`, checks it opened with
 * what the card shows (`title`, and `body` when given), changes the fields
 * in `edit` and saves.
 */
export async function editThroughDialog(page: Page, title: string, edit: { title?: string; body?: string }, body?: string): Promise<void> {
  await card(page, title).getByRole("button", { name: "Edit", exact: true }).click();
  const titleField = page.locator("#itemformmain input[name=itemtitle]");
  const bodyField = page.locator("#itemformmain textarea[name=itemtext]");
  expect(await page.locator("#itemformheading").textContent()).toBe("Edit item");
  expect(await titleField.inputValue()).toBe(title);
  if (body !== undefined) expect(await bodyField.inputValue()).toBe(body);
  if (edit.title !== undefined) await titleField.fill(edit.title);
  if (edit.body !== undefined) await bodyField.fill(edit.body);
  await page.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();
}

/** A page of `context` at `path`, live (its socket open and the snapshot shown). */
export async function openLive(context: BrowserContext, baseUrl: string, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${baseUrl}${path}`);
  await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: 30_000 }).toBe(true);
  return page;
}

export interface TestList {
  /** The list's page, `/l/{id}`, and its items route. */
  page: string;
  items: string;
  ownerKey: string;
}

/** A list of the test's own, so nothing another test saved shows on it. */
export async function createTestList(baseUrl: string, title = "Test list"): Promise<TestList> {
  const response = await fetch(`${baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(201);
  const { list, ownerKey } = (await response.json()) as { list: { id: string }; ownerKey: string };
  return { page: `/l/${list.id}`, items: `/api/lists/${list.id}/items`, ownerKey };
}

/** Saves an item over the API, as someone on another device would. */
export async function postItem(baseUrl: string, itemsPath: string, title: string, body?: string): Promise<{ id: string }> {
  const response = await fetch(`${baseUrl}${itemsPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body === undefined ? { title } : { title, body }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { item: { id: string } }).item;
}

/** The card on `page` whose title is exactly `title`. */
export function card(page: Page, title: string): Locator {
  return page.locator("#mainlist .itementry").filter({ has: page.locator("h2").getByText(title, { exact: true }) });
}
