/**
 * A smoke test in a second engine: Debian's Firefox ESR, driven over
 * WebDriver BiDi by puppeteer-core, against the real app under `wrangler
 * dev`. The page goes live, an item saved through the dialog in one
 * person's page shows in another's, Search filters it and clears, and a
 * tick in one page is seen ticked in the other.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WranglerDev } from "../../tools/harness/wranglerDev";
import { startDevServer } from "../e2e/devServer";
import { createTestList } from "./pageDriver";

const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const WAIT_MS = 30_000;

let firefox: Browser;
let server: WranglerDev;

beforeAll(async () => {
  [firefox, server] = await Promise.all([
    puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true }),
    startDevServer(),
  ]);
});

afterAll(async () => {
  await firefox?.close();
  await server?.stop();
});

/** A page of a person of its own (their own storage), live on the list at `path`. */
async function openLive(path: string): Promise<Page> {
  const context = await firefox.createBrowserContext();
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on("pageerror", (error) => void errors.push(error as Error));
  await page.goto(`${server.baseUrl}${path}`);
  await page.waitForSelector("#livemark:not([hidden])", { timeout: WAIT_MS });
  expect(errors).toEqual([]);
  return page;
}

/**
 * Waits until `condition` holds in the page. Puppeteer's waitForFunction
 * builds its predicate with Function(), which the page's CSP (no
 * 'unsafe-eval') refuses in Firefox; evaluate goes through BiDi's
 * script.callFunction, which the CSP does not govern.
 */
async function until(page: Page, condition: () => boolean): Promise<void> {
  await expect.poll(() => page.evaluate(condition), { timeout: WAIT_MS }).toBe(true);
}

function shownTitles(page: Page): Promise<string[]> {
  return page.$$eval("#mainlist .itementry h2", (headings) => headings.map((heading) => heading.textContent ?? ""));
}

describe("the page in Firefox ESR", () => {
  it("goes live, an item saved in one page shows in another, search filters and clears, and a tick shows in the other page", async () => {
    const list = await createTestList(server.baseUrl, "Firefox list");
    const [writer, reader] = [await openLive(list.page), await openLive(list.page)];
    expect(await writer.$eval("h1", (title) => title.textContent)).toBe("Firefox list");
    expect(await writer.$eval("#statusmessage", (status) => status.textContent)).toBe("");

    await writer.click("#additem");
    await writer.waitForSelector("#itemform[open]", { timeout: WAIT_MS });
    await writer.type("#itemtitle", "Saved in Firefox");
    await writer.type("#itemtext", "see https://example.com/ff");
    await writer.click("#saveitem");

    await until(reader, () => [...document.querySelectorAll("#mainlist .itementry h2")].some((heading) => heading.textContent === "Saved in Firefox"));
    expect(await shownTitles(reader)).toEqual(["Saved in Firefox"]);
    expect(await reader.$eval("#mainlist .itementry div a", (link) => link.getAttribute("href"))).toBe("https://example.com/ff");
    // Search: typing filters and counts, Escape clears.
    await reader.type("#search", "firef");
    await until(reader, () => document.querySelector("#searchcount")?.textContent === "1 of 1");
    await reader.type("#search", " zzz");
    await until(reader, () => document.querySelector("#searchcount")?.textContent === "0 of 1");
    expect(await reader.$eval("#mainlist .itementry", (card) => (card as HTMLElement).hidden)).toBe(true);
    await reader.keyboard.press("Escape");
    await until(reader, () => document.querySelector("#searchcount")?.textContent === "");
    expect(await reader.$eval("#search", (field) => (field as HTMLInputElement).value)).toBe("");
    expect(await shownTitles(reader)).toEqual(["Saved in Firefox"]);
    await until(writer, () => !document.querySelector("#mainlist .itementry.pending"));
    expect(await shownTitles(writer)).toEqual(["Saved in Firefox"]);
    // A tick in one page is seen ticked in the other.
    expect(await writer.$eval("#mainlist .itementry .donebox", (box) => (box as HTMLInputElement).checked)).toBe(false);
    await reader.click('#mainlist .itementry input[aria-label="Done: Saved in Firefox"]');
    await until(writer, () => (document.querySelector("#mainlist .itementry .donebox") as HTMLInputElement | null)?.checked === true);
    expect(await writer.$eval("#mainlist .itementry", (card) => card.classList.contains("done"))).toBe(true);
    await Promise.all([writer.browserContext().close(), reader.browserContext().close()]);
  });
});
