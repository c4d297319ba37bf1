/**
 * A list on paper, in real Chromium (public/print.css): the list's title and
 * its items as a checklist, ☐ or ☑ as each is done, with no buttons, fields,
 * status line or dialogs; and 24 one-line items on one A4 page.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAndApp, createTestList, openLive, postItem, type TestList } from "./pageDriver";

const WAIT_MS = 30_000;
const ITEMS_ON_ONE_PAGE = 24;

const app = browserAndApp();

/** A list of `count` one-line items, the second of them done, opened by its owner (so every item has Edit and Remove). */
async function listOf(count: number, title: string): Promise<{ page: Page; list: TestList }> {
  const list = await createTestList(app.server.baseUrl, title);
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) ids.push((await postItem(app.server.baseUrl, list.items, `Item ${n}`)).id);
  const tick = await fetch(`${app.server.baseUrl}${list.items}/${ids[1]}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ done: true }),
  });
  expect(tick.status).toBe(200);
  const page = await openLive(await app.person(), app.server.baseUrl, `${list.page}#owner=${list.ownerKey}`);
  await expect.poll(() => page.locator("#mainlist .itemactions:visible").count(), { timeout: WAIT_MS }).toBe(count);
  return { page, list };
}

/** What prints, read the way paper shows it: the title, and each item's mark and title in order. */
function printedChecklist(page: Page): Promise<{ title: string | null; items: string[] }> {
  return page.evaluate(() => ({
    title: document.querySelector("h1")?.checkVisibility() ? document.querySelector("h1")!.textContent : null,
    items: [...document.querySelectorAll("#mainlist .itementry")]
      .filter((card) => card.checkVisibility())
      .map((card) => `${getComputedStyle(card, "::before").content.replaceAll('"', "")} ${card.querySelector("h2")!.textContent}`),
  }));
}

/** Everything printed that someone could press or type in, or that speaks of the page rather than the list. */
function printedControls(page: Page): Promise<string[]> {
  return page
    .locator("button, input, textarea, summary, select, dialog, [role=status], [role=alert], #statusmessage, #livemark")
    .evaluateAll((elements) =>
      elements.filter((element) => element.checkVisibility()).map((element) => `${element.tagName} ${element.id || element.textContent?.trim()}`),
    );
}

/** The pages of a PDF Chromium made: each is one `/Type /Page` object (the tree's nodes are `/Pages`). */
function pdfPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;
}

describe("printing a list", () => {
  it("prints the title and the items as a checklist, ☑ where done, with no controls, status line or dialog", async () => {
    const { page } = await listOf(3, "Hardware store");
    // A dialog left open, and a status line with something to say, print no more than the rest.
    await page.getByRole("button", { name: "Add New Item", exact: true }).click();
    expect(await page.locator("#itemform").isVisible()).toBe(true);
    expect((await printedControls(page)).length).toBeGreaterThan(10);

    await page.emulateMedia({ media: "print" });
    expect(await printedChecklist(page)).toEqual({ title: "Hardware store", items: ["☐ Item 3", "☑ Item 2", "☐ Item 1"] });
    expect(await printedControls(page)).toEqual([]);
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("#itemform").isVisible()).toBe(true);
    await page.close();
  });

  it(`fits ${ITEMS_ON_ONE_PAGE} one-line items on one A4 page`, async () => {
    const { page } = await listOf(ITEMS_ON_ONE_PAGE, "Groceries for the week");
    await page.emulateMedia({ media: "print" });
    expect((await printedChecklist(page)).items).toHaveLength(ITEMS_ON_ONE_PAGE);
    expect(pdfPages(await page.pdf({ format: "A4" }))).toBe(1);
    await page.close();
  });
});
