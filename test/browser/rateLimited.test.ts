/**
 * A change the server holds back, in real Chromium: the app under `wrangler
 * dev` limits loopback as a deployment limits every address
 * (`EXEMPT_LOOPBACK=false`), with a list save rate small enough that a
 * third save in a row is answered `429` with `Retry-After` (one address may
 * take a quarter of the list's rate and burst, src/room/abuseLimits.ts). The page says how long it waits and why, then
 * sends, in order.
 */
import { describe, expect, it } from "vitest";
import { addThroughDialog, browserAndApp, createTestList, openLive, statusText, storedTitles } from "./pageDriver";

const WAIT_MS = 30_000;
const HELD = /^Waiting (\d+) s: too many changes from this network$/;

const app = browserAndApp({}, { EXEMPT_LOOPBACK: "false", LIST_SAVES_PER_MINUTE: 48 });

describe("changes the server holds back", () => {
  it("a 429 is shown with its wait, counting down, and the changes go out after Retry-After, in order", async () => {
    const list = await createTestList(app.server.baseUrl, "Held back");
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    const limited: number[] = [];
    page.on("response", (response) => {
      if (response.status() === 429) limited.push(Number(response.headers()["retry-after"]));
    });

    for (const title of ["First", "Second", "Third"]) await addThroughDialog(page, title, "");
    await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toMatch(HELD);
    const firstShown = Number(HELD.exec((await statusText(page)) ?? "")![1]);
    expect(limited.length).toBeGreaterThan(0);
    expect(firstShown).toBeLessThanOrEqual(limited[0]!);
    expect(await storedTitles(app.server.baseUrl, list.items)).not.toContain("Third");
    // Counting down while it waits.
    await expect.poll(async () => Number(HELD.exec((await statusText(page)) ?? "")?.[1] ?? 0), { timeout: WAIT_MS }).toBeLessThan(firstShown);

    await expect.poll(() => storedTitles(app.server.baseUrl, list.items), { timeout: WAIT_MS }).toEqual(["Third", "Second", "First"]);
    console.info(`held back by 429s with Retry-After ${limited.join(", ")} s; "Waiting ${firstShown} s" shown first`);
    await expect.poll(() => statusText(page), { timeout: WAIT_MS }).toBe("");
    expect(await page.locator(".itementry.pending").count()).toBe(0);
  });
});
