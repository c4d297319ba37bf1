/**
 * The page in real Chromium (Debian's, driven by playwright-core) against the
 * real app under `wrangler dev`, including stopping and restarting the server
 * on the same storage while pages are open.
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WranglerDev } from "../../tools/harness/wranglerDev";
import { startDevServer } from "../e2e/devServer";
import { PageTraffic } from "./pageTraffic";
import { addThroughDialog, launchChromium, statusText, storedTitles, titles } from "./pageDriver";

/**
 * Where the screenshot goes: the README's own picture only when asked
 * (`npm run screenshot`), otherwise git-ignored .results/, so a test run
 * never rewrites a tracked file.
 */
const SCREENSHOT = resolve(
  import.meta.dirname,
  process.env.UPDATE_SCREENSHOT === "1" ? "../../docs/screenshot.png" : "../../.results/screenshot.png",
);
const WAIT_MS = 30_000;

let browser: Browser;
/** One server for the file, stopped and started again on the same port and storage by the outage tests. */
let server: WranglerDev;
const trafficOf = new WeakMap<Page, PageTraffic>();

/**
 * A page, live. With `clock`, the page's timers run on Playwright's clock, so
 * a test can stop them (and with them the page's own reconnect attempts).
 */
async function openPage({ clock = false } = {}): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  trafficOf.set(page, new PageTraffic(page));
  if (clock) await page.clock.install();
  await page.goto(server.baseUrl);
  await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toBe("");
  return page;
}

async function postItem(title: string, body: string, itemsPath = "/api/items"): Promise<void> {
  const response = await fetch(`${server.baseUrl}${itemsPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, body }),
  });
  expect(response.status).toBe(201);
}

/** Whether an outage test stopped the server; the next test gets it back even if that test failed. */
let serverStopped = false;

async function stopServerAndWaitForNoConnection(page: Page): Promise<void> {
  serverStopped = true;
  await server.stop();
  await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toMatch(/^no connection\.\.\. retrying/);
}

/**
 * Stops the page's clock, so that its own backoff timer cannot reconnect it:
 * from here until {@link pressRetryNow}, the page stays down whatever the
 * server does.
 */
async function holdPageReconnects(page: Page): Promise<void> {
  // The page's time moves on while we ask it; a target already passed is asked again.
  for (let tries = 1; ; tries++) {
    const now = await page.evaluate(() => Date.now());
    try {
      await page.clock.pauseAt(now + 20);
      break;
    } catch (error) {
      if (tries >= 5 || !String(error).includes("past")) throw error;
    }
  }
  await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toMatch(/^no connection\.\.\. retrying/);
}

/**
 * Presses "Retry now" on a page held down by {@link holdPageReconnects}, and
 * sees its effect: a new socket (nothing else could open one), then the page
 * live. The page's clock runs again once the socket is open.
 */
async function pressRetryNow(page: Page): Promise<void> {
  const traffic = trafficOf.get(page)!;
  const socketsBefore = traffic.socketsOpened;
  expect(await statusText(page)).toMatch(/^no connection\.\.\. retrying/);
  await page.getByRole("button", { name: "Retry now" }).click();
  await expect.poll(() => traffic.socketsOpened, { timeout: WAIT_MS }).toBe(socketsBefore + 1);
  await page.clock.resume();
  await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toBe("");
  expect(await page.getByRole("button", { name: "Retry now" }).isVisible()).toBe(false);
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

/**
 * Waits until `title` is shown, then until the page has caught up (live,
 * every frame it received acknowledged, no API call in flight), and only then
 * requires it to be shown exactly once: a second copy arriving after the
 * first sighting fails the test.
 */
async function expectShownOnce(page: Page, title: string): Promise<void> {
  const shown = async () => (await titles(page)).filter((t) => t === title).length;
  await expect.poll(shown, { timeout: WAIT_MS }).toBeGreaterThan(0);
  const traffic = trafficOf.get(page)!;
  await expect.poll(async () => (await statusText(page)) === "" && traffic.caughtUp, { timeout: WAIT_MS }).toBe(true);
  expect(await shown()).toBe(1);
}

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    startDevServer(),
  ]);
});

afterEach(async () => {
  if (!serverStopped) return;
  await server.start();
  serverStopped = false;
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
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
    const before = await storedTitles(server.baseUrl);
    const dialog = page.locator("#itemform");
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("itemtitle");

    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(true);
    expect(await page.locator("#formerror").textContent()).toMatch(/title must not be empty/i);

    await page.locator("[name=itemtitle]").fill("x".repeat(201));
    expect(await page.locator("#itemtitlecounter").textContent()).toBe("201 / 200");
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);

    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    await page.keyboard.press("Escape");
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);
    expect(await storedTitles(server.baseUrl)).toEqual(before);
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

  it("says no connection while the server is down; Retry now reconnects it and it shows what was saved meanwhile exactly once", async () => {
    const page = await openPage({ clock: true });
    await stopServerAndWaitForNoConnection(page);
    expect(await page.getByRole("button", { name: "Retry now" }).isVisible()).toBe(true);

    await holdPageReconnects(page);
    await server.start();
    serverStopped = false;
    await postItem("Saved while the page was away", "after the restart");
    await pressRetryNow(page);
    await expectShownOnce(page, "Saved while the page was away");
    expect(await titles(page)).toEqual(await storedTitles(server.baseUrl));
    await page.close();
  });

  it("a save made while the server is down is delivered once when it is back", async () => {
    const page = await openPage({ clock: true });
    await stopServerAndWaitForNoConnection(page);
    await addThroughDialog(page, "Typed during the outage", "kept in the outbox");
    await expect.poll(() => page.locator(".itementry.pending .meta").first().textContent()).toBe("sending…");

    await holdPageReconnects(page);
    await server.start();
    serverStopped = false;
    await pressRetryNow(page);
    await expectShownOnce(page, "Typed during the outage");
    await expect.poll(() => page.locator(".itementry.pending").count(), { timeout: WAIT_MS }).toBe(0);
    expect((await storedTitles(server.baseUrl)).filter((t) => t === "Typed during the outage")).toHaveLength(1);
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
    expect(await page.locator("[name=itemtitle]").inputValue()).toBe(tooLong);
    expect(await page.locator("textarea[name=itemtext]").inputValue()).toBe("kept");
    expect(await page.locator(".itementry.pending").count()).toBe(0);
    await page.close();
  });

  it("shows the newest 200 items and loads older ones on demand", async () => {
    for (let n = 0; n < 205; n++) await postItem(`bulk ${n}`, "b");
    const page = await openPage();
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: WAIT_MS }).toBe(200);
    const showOlder = page.getByRole("button", { name: "Show older" });
    const color = () => showOlder.evaluate((button) => getComputedStyle(button).color);
    const ready = await color();
    // While the older page is on its way (held here until looked at), the button is marked and greyed as disabled.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/[?&]before=/, async (route) => {
      await held;
      await route.continue();
    });
    await showOlder.click();
    await expect.poll(() => showOlder.getAttribute("aria-disabled"), { timeout: WAIT_MS }).toBe("true");
    expect(await color()).not.toBe(ready);
    release();
    const total = await countStored();
    await expect.poll(() => page.locator("#mainlist .itementry").count(), { timeout: WAIT_MS }).toBe(total);
    const ids = await page
      .locator("#mainlist .itementry")
      .evaluateAll((entries) => entries.map((entry) => (entry as HTMLElement).dataset.id));
    expect(new Set(ids).size).toBe(total);
    expect(await showOlder.isVisible()).toBe(total > 400);
    // From the keyboard: focus stays on Show older while it loads, and when it goes, moves to the first card it brought.
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id ?? document.activeElement?.id);
    expect(await focused()).toBe(total > 400 ? "showolder" : ids[200]);
    await page.close();
  });

  it("is served with a Content-Security-Policy that forbids inline script", async () => {
    const response = await fetch(server.baseUrl);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
  });

  it("takes the README screenshot", async () => {
    // On a list of its own, so no other test's items are in the picture.
    const created = await fetch(`${server.baseUrl}/api/lists`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Team list" }),
    });
    expect(created.status).toBe(201);
    const { list } = (await created.json()) as { list: { id: string } };
    const items = `/api/lists/${list.id}/items`;
    await postItem("Bring the projector", "The one in room 2 has the right cable.", items);
    await postItem("Agenda for Thursday", "1. Budget\n2. Hiring plan\n3. Anything else", items);
    await postItem("Order more coffee ☕", "Oat milk too, please.", items);
    const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
    await page.goto(`${server.baseUrl}/l/${list.id}`);
    await expect.poll(() => titles(page), { timeout: WAIT_MS }).toEqual([
      "Order more coffee ☕",
      "Agenda for Thursday",
      "Bring the projector",
    ]);
    await expect.poll(() => page.locator("#livemark").isVisible(), { timeout: WAIT_MS }).toBe(true);
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  });
});
