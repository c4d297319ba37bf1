/**
 * What every browser test does the same way: launch Debian's Chromium with
 * the flags this machine needs, read the page as a person sees it, add an
 * item through the dialog, and read what the server stored.
 */
import { chromium, type Browser, type Page } from "playwright-core";

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

/** The titles the server holds on a list's newest page (`/api/items` by default). */
export async function storedTitles(baseUrl: string, itemsPath = "/api/items"): Promise<string[]> {
  const response = await fetch(`${baseUrl}${itemsPath}`);
  const { items } = (await response.json()) as { items: { title: string }[] };
  return items.map((item) => item.title);
}
