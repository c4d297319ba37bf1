/**
 * Cross-site request forgery, as a browser really does it: a page on another
 * site (http://localhost:<other port>) posts a <form> to the app's /save on
 * http://127.0.0.1, and fires a no-cors fetch at /api/items. Chromium sends
 * no preflight for either; the Worker must refuse both (src/worker/guard.ts),
 * while the app's own page still saves. Also: what the page draws of an
 * item stays inside that item's box.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WranglerDev as DevServer } from "../../tools/harness/wranglerDev";
import { startDevServer } from "../e2e/devServer";
import { launchChromium, storedTitles } from "./pageDriver";

const WAIT_MS = 30_000;

let browser: Browser;
let server: DevServer;
/** The other site: serves whatever page a test puts in `evilPage`. */
let evilSite: Server;
let evilPage = "";

function evilOrigin(): string {
  return `http://localhost:${(evilSite.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  evilSite = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(evilPage);
  });
  await new Promise<void>((listening) => evilSite.listen(0, "127.0.0.1", listening));
  [browser, server] = await Promise.all([
    launchChromium(),
    startDevServer(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((closed) => (evilSite ? evilSite.close(() => closed()) : closed()));
});

describe("cross-site writes in Chromium", () => {
  it("a form on another site that posts to /save gets 403 and stores nothing", async () => {
    const title = `forged ${crypto.randomUUID()}`;
    evilPage = `<!doctype html><form method="post" action="${server.baseUrl}/save">
      <input name="itemtitle" value="${title}"><input name="itemtext" value="posted by another site">
      </form><script>document.forms[0].submit()</script>`;
    const page = await browser.newPage();
    const answer = page.waitForResponse((response) => response.url() === `${server.baseUrl}/save`, { timeout: WAIT_MS });
    await page.goto(evilOrigin());
    const response = await answer;
    expect(response.request().method()).toBe("POST");
    expect(response.request().headers()["origin"]).toBe(evilOrigin());
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ result: "failure", error: { code: "forbidden_origin" } });
    expect(await storedTitles(server.baseUrl)).not.toContain(title);
    await page.close();
  });

  it("a no-cors fetch from another site to /api/items stores nothing", async () => {
    const title = `forged fetch ${crypto.randomUUID()}`;
    evilPage = `<!doctype html><script>
      fetch(${JSON.stringify(`${server.baseUrl}/api/items`)}, {
        method: "POST", mode: "no-cors",
        body: new URLSearchParams({ itemtitle: ${JSON.stringify(title)}, itemtext: "b" }),
      }).finally(() => { document.title = "sent"; });
      </script>`;
    const page = await browser.newPage();
    const answer = page.waitForResponse((response) => response.url() === `${server.baseUrl}/api/items`, { timeout: WAIT_MS });
    await page.goto(evilOrigin());
    expect((await answer).status()).toBe(403);
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe("sent");
    expect(await storedTitles(server.baseUrl)).not.toContain(title);
    await page.close();
  });

  it("the app's own page still saves through /save and /api/items", async () => {
    const page = await browser.newPage();
    await page.goto(server.baseUrl);
    const title = `own ${crypto.randomUUID()}`;
    const statuses = await page.evaluate(async (title) => {
      const form = await fetch("/save", { method: "POST", body: new URLSearchParams({ itemtitle: `${title} form`, itemtext: "b" }) });
      const api = await fetch("/api/items", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: `${title} api`, body: "b" }),
      });
      return [form.status, api.status];
    }, title);
    expect(statuses).toEqual([200, 201]);
    expect(await storedTitles(server.baseUrl)).toEqual(expect.arrayContaining([`${title} form`, `${title} api`]));
    await page.close();
  });
});

describe("an item's box", () => {
  it("clips what its text draws, and isolates the direction of its title and body", async () => {
    const response = await fetch(`${server.baseUrl}/api/items`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Z" + "\u0489".repeat(8), body: "שלום abc" }),
    });
    expect(response.status).toBe(201);
    const page = await browser.newPage();
    await page.goto(server.baseUrl);
    const entry = page.locator("#mainlist .itementry").first();
    await entry.waitFor({ timeout: WAIT_MS });
    const style = await entry.evaluate((element) => {
      const heading = element.querySelector("h2")!;
      return { overflow: getComputedStyle(element).overflow, bidi: getComputedStyle(heading).unicodeBidi };
    });
    expect(style).toEqual({ overflow: "hidden", bidi: "plaintext" });
    await page.close();
  });
});
