/**
 * The page in real Chromium (Debian's, driven by playwright-core) against the
 * real app under `wrangler dev`, including stopping and restarting the server
 * on the same storage while pages are open.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startDevServer, type DevServer } from "../e2e/devServer";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = resolve(import.meta.dirname, "../../docs/screenshot.png");
const WAIT_MS = 30_000;

let browser: Browser;
let server: DevServer;
let port: number;
let persistDir: string;

async function startServer(): Promise<void> {
  server = await startDevServer({ port, persistDir });
}

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(server.baseUrl);
  await expect.poll(() => page.locator("#statusmessage").textContent(), { timeout: WAIT_MS }).toBe("");
  return page;
}

function titles(page: Page): Promise<string[]> {
  return page.locator("#mainlist .itementry h2").allTextContents();
}

async function addThroughDialog(page: Page, title: string, text: string): Promise<void> {
  await page.getByRole("button", { name: "Add New Item", exact: true }).click();
  await page.locator("#itemformmain input[name=itemtitle]").fill(title);
  await page.locator("#itemformmain textarea[name=itemtext]").fill(text);
  await page.locator("#itemform").getByRole("button", { name: "Save", exact: true }).click();
}

async function postItem(title: string, body: string): Promise<void> {
  const response = await fetch(`${server.baseUrl}/api/items`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body }),
  });
  expect(response.status).toBe(201);
}

async function storedTitles(): Promise<string[]> {
  const response = await fetch(`${server.baseUrl}/api/items`);
  const { items } = (await response.json()) as { items: { title: string }[] };
  return items.map((item) => item.title);
}

async function stopServerAndWaitForNoConnection(page: Page): Promise<void> {
  await server.stop();
  await expect
    .poll(() => page.locator("#statusmessage").textContent(), { timeout: WAIT_MS })
    .toMatch(/^no connection\.\.\. retrying/);
}

/**
 * As a person would: press "Retry now" if the page still offers it. Its own
 * backoff may have reconnected already while the server was starting.
 */
async function pressRetryNowIfOffered(page: Page): Promise<void> {
  await page
    .getByRole("button", { name: "Retry now" })
    .click({ timeout: 1_000 })
    .catch(() => undefined);
}

/** How many items the server holds, paging through all of them. */
async function countStored(): Promise<number> {
  let count = 0;
  let before: string | null = null;
  for (let page = 0; page < 100; page++) {
    const query: string = before === null ? "" : `?before=${before}`;
    const body = (await (await fetch(`${server.baseUrl}/api/items${query}`)).json()) as {
      items: unknown[];
      nextBefore: string | null;
    };
    count += body.items.length;
    before = body.nextBefore;
    if (before === null) return count;
  }
  throw new Error("more pages than expected");
}

/** Waits until `title` is shown exactly once, and checks it stays once after the page settles. */
async function expectShownOnce(page: Page, title: string): Promise<void> {
  await expect.poll(async () => (await titles(page)).filter((t) => t === title).length, { timeout: WAIT_MS }).toBe(1);
}

beforeAll(async () => {
  port = await freePort();
  persistDir = await mkdtemp(join(tmpdir(), "listroom-browser-"));
  [browser] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS }),
    startServer(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(persistDir, { recursive: true, force: true });
});

describe("the page", () => {
  it("shows an empty list with an invitation, and the seed's elements", async () => {
    const page = await openPage();
    await expect.poll(() => page.locator("#emptystate").isVisible()).toBe(true);
    expect(await page.locator("#mainlist .itementry").count()).toBe(0);
    expect(await page.locator("#itemform #itemformmain").count()).toBe(1);
    await page.close();
  });

  it("two pages see each other's items, newest first, each exactly once", async () => {
    const [a, b] = [await openPage(), await openPage()];
    await addThroughDialog(a, "From page A", "first");
    await expectShownOnce(b, "From page A");
    await addThroughDialog(b, "From page B", "second\nwith a line break");
    await expectShownOnce(a, "From page B");
    for (const page of [a, b]) {
      await expectShownOnce(page, "From page A");
      expect((await titles(page)).slice(0, 2)).toEqual(["From page B", "From page A"]);
    }
    const body = await a.locator("#mainlist .itementry").first().locator("div").innerText();
    expect(body).toBe("second\nwith a line break");
    await Promise.all([a.close(), b.close()]);
  });

  it("the dialog refuses empty fields, and Cancel and Escape close it without saving", async () => {
    const page = await openPage();
    const before = await storedTitles();
    const dialog = page.locator("#itemform");
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("itemtitle");

    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(true);
    expect(await page.locator("#formerror").textContent()).toMatch(/title must not be empty/i);

    await page.locator("input[name=itemtitle]").fill("x".repeat(201));
    expect(await page.locator("#itemtitlecounter").textContent()).toBe("201 / 200");
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);

    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    await page.keyboard.press("Escape");
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);
    expect(await storedTitles()).toEqual(before);
    await page.close();
  });

  it("Enter in the title moves on and Ctrl+Enter saves", async () => {
    const page = await openPage();
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    await page.keyboard.type("Keyboard only");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("itemtext");
    await page.keyboard.type("saved with the keyboard");
    await page.keyboard.press("Control+Enter");
    await expectShownOnce(page, "Keyboard only");
    await page.close();
  });

  it("markup in an item is shown as text, never run", async () => {
    const page = await openPage();
    const title = `<img src=x onerror="document.title='pwned'">`;
    await postItem(title, "<script>document.title='pwned'</script><b>bold?</b>");
    await expectShownOnce(page, title);
    expect(await page.locator("#mainlist img, #mainlist script, #mainlist b").count()).toBe(0);
    expect(await page.title()).toBe("Listroom");
    await page.close();
  });

  it("a reload shows the same list", async () => {
    const page = await openPage();
    await expect.poll(async () => (await titles(page)).length).toBeGreaterThan(0);
    const before = await titles(page);
    await page.reload();
    await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual(before);
    await page.close();
  });

  it("says no connection while the server is down, then shows what was saved meanwhile exactly once", async () => {
    const page = await openPage();
    await stopServerAndWaitForNoConnection(page);
    expect(await page.getByRole("button", { name: "Retry now" }).isVisible()).toBe(true);

    await startServer();
    await postItem("Saved while the page was away", "after the restart");
    await pressRetryNowIfOffered(page);
    await expect.poll(() => page.locator("#statusmessage").textContent(), { timeout: WAIT_MS }).toBe("");
    await expectShownOnce(page, "Saved while the page was away");
    expect(await titles(page)).toEqual(await storedTitles());
    await page.close();
  });

  it("a save made while the server is down is delivered once when it is back", async () => {
    const page = await openPage();
    await stopServerAndWaitForNoConnection(page);
    await addThroughDialog(page, "Typed during the outage", "kept in the outbox");
    await expect.poll(() => page.locator(".itementry.pending .meta").first().textContent()).toBe("sending…");

    await startServer();
    await pressRetryNowIfOffered(page);
    await expectShownOnce(page, "Typed during the outage");
    await expect.poll(() => page.locator(".itementry.pending").count(), { timeout: WAIT_MS }).toBe(0);
    expect((await storedTitles()).filter((t) => t === "Typed during the outage")).toHaveLength(1);
    await page.close();
  });

  it("a save the server refuses reopens the dialog with the server's message and the text", async () => {
    const page = await openPage();
    const tooLong = "x".repeat(201);
    // An outbox entry the page's own checks would have stopped: as if left by an older version.
    await page.evaluate(
      (title) =>
        localStorage.setItem(
          "listroom.outbox.v1",
          JSON.stringify([{ key: crypto.randomUUID(), title, body: "kept", madeAt: Date.now() }]),
        ),
      tooLong,
    );
    await page.reload();
    const dialog = page.locator("#itemform");
    await expect.poll(() => dialog.evaluate((element) => (element as HTMLDialogElement).open), { timeout: WAIT_MS }).toBe(true);
    expect(await page.locator("#formerror").textContent()).toMatch(/201 characters; the limit is 200/);
    expect(await page.locator("input[name=itemtitle]").inputValue()).toBe(tooLong);
    expect(await page.locator("textarea[name=itemtext]").inputValue()).toBe("kept");
    expect(await page.locator(".itementry.pending").count()).toBe(0);
    await page.close();
  });

  it("shows the newest 200 items and loads older ones on demand", async () => {
    for (let n = 0; n < 205; n++) await postItem(`bulk ${n}`, "b");
    const page = await openPage();
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: WAIT_MS }).toBe(200);
    const showOlder = page.getByRole("button", { name: "Show older" });
    await showOlder.click();
    const total = await countStored();
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: WAIT_MS }).toBe(total);
    const ids = await page
      .locator("#mainlist .itementry")
      .evaluateAll((entries) => entries.map((entry) => (entry as HTMLElement).dataset.id));
    expect(new Set(ids).size).toBe(total);
    expect(await showOlder.isVisible()).toBe(total > 400);
    await page.close();
  });

  it("is served with a Content-Security-Policy that forbids inline script", async () => {
    const response = await fetch(server.baseUrl);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
  });

  it("takes the README screenshot", async () => {
    await postItem("Bring the projector", "The one in room 2 has the right cable.");
    await postItem("Agenda for Thursday", "1. Budget\n2. Hiring plan\n3. Anything else");
    await postItem("Order more coffee ☕", "Oat milk too, please.");
    const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
    await page.goto(server.baseUrl);
    await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  });
});
