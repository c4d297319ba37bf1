/**
 * An item's card in real Chromium: an item that is only a title, links in
 * bodies (http and https only, opened apart from the list), and bodies folded
 * to one line behind "Show more".
 */
import { describe, expect, it } from "vitest";
import { addThroughDialog, browserAndApp, card, createTestList, openLive, postItem } from "./pageDriver";

const app = browserAndApp({ viewport: { width: 390, height: 844 } });

describe("an item's card", () => {
  it("an item may be only a title: the dialog saves it and the card shows no empty body", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await addThroughDialog(page, "Buy milk", "");
    expect(await page.locator("#itemform").evaluate((dialog) => (dialog as HTMLDialogElement).open)).toBe(false);
    await expect.poll(() => card(page, "Buy milk").locator(".meta").textContent(), { timeout: 30_000 }).not.toMatch(/sending|saved/);
    expect(await card(page, "Buy milk").locator("div").isVisible()).toBe(false);
    const stored = (await (await fetch(`${app.server.baseUrl}${list.items}`)).json()) as { items: { title: string; body: string }[] };
    expect(stored.items).toMatchObject([{ title: "Buy milk", body: "" }]);
    await page.close();
  });

  it("the dialog names the field as it is labelled when Main Text is refused", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    await addThroughDialog(page, "Zero width", "\u200b");
    expect(await page.locator("#formerror").textContent()).toBe("Main Text must hold at least one visible character.");
    expect(await page.locator("textarea[name=itemtext]").getAttribute("aria-invalid")).toBe("true");
    await page.close();
  });

  it("http and https addresses in a body are links that open apart; javascript: and data: stay text", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    const body = "Recipe: https://example.com/soup. Old: http://example.org/(a) javascript:alert(1) data:text/html,<b>x</b>";
    await postItem(app.server.baseUrl, list.items, "Links", body);
    const links = card(page, "Links").locator("div a");
    await expect.poll(() => links.count(), { timeout: 30_000 }).toBe(2);
    const attributes = await links.evaluateAll((anchors) =>
      anchors.map((a) => ({ href: a.getAttribute("href"), text: a.textContent, target: a.getAttribute("target"), rel: a.getAttribute("rel") })),
    );
    const opened = { target: "_blank", rel: "noopener noreferrer nofollow ugc" };
    expect(attributes).toEqual([
      { href: "https://example.com/soup", text: "https://example.com/soup", ...opened },
      { href: "http://example.org/(a)", text: "http://example.org/(a)", ...opened },
    ]);
    expect(await card(page, "Links").locator("div").textContent()).toBe(body);
    expect(await card(page, "Links").locator("div b, div script").count()).toBe(0);
    await page.close();
  });

  it("a body shows as one folded line; Show more or a tap on the line unfolds it, Show less folds it back", async () => {
    const list = await createTestList(app.server.baseUrl);
    const page = await openLive(await app.person(), app.server.baseUrl, list.page);
    const sentences = Array.from({ length: 25 }, (_, n) => `Sentence ${n + 1} of a long note about the week's shopping.`).join(" ");
    await postItem(app.server.baseUrl, list.items, "Long", sentences);
    await postItem(app.server.baseUrl, list.items, "Lines", "Eggs\nFlour");
    await postItem(app.server.baseUrl, list.items, "Short", "two litres");
    const long = card(page, "Long");
    const more = long.getByRole("button", { name: "Show more" });
    await expect.poll(() => more.isVisible(), { timeout: 30_000 }).toBe(true);
    const lineHeight = await long.locator("div").evaluate((body) => parseFloat(getComputedStyle(body).lineHeight));
    const foldedHeight = (await long.locator("div").boundingBox())!.height;
    expect(foldedHeight).toBeLessThanOrEqual(lineHeight + 1);
    expect(await more.getAttribute("aria-expanded")).toBe("false");

    await more.press("Enter");
    const less = long.getByRole("button", { name: "Show less" });
    expect(await less.getAttribute("aria-expanded")).toBe("true");
    expect((await long.locator("div").boundingBox())!.height).toBeGreaterThan(foldedHeight * 6);
    // Unfolded, a tap on the body leaves it be (to select text, or follow a link); Show less folds it.
    await long.locator("div").click();
    expect(await less.isVisible()).toBe(true);
    await less.click();
    expect((await long.locator("div").boundingBox())!.height).toBe(foldedHeight);

    const lines = card(page, "Lines");
    await expect.poll(() => lines.getByRole("button", { name: "Show more" }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect((await lines.locator("div").boundingBox())!.height).toBeLessThanOrEqual(lineHeight + 1);
    await lines.locator("div").click();
    expect(await lines.getByRole("button", { name: "Show less" }).isVisible()).toBe(true);
    expect((await lines.locator("div").boundingBox())!.height).toBeGreaterThan(lineHeight * 2 - 1);

    expect(await card(page, "Short").getByRole("button", { name: /Show/ }).count()).toBe(0);
    await card(page, "Short").locator("div").click();
    expect(await card(page, "Short").getByRole("button", { name: /Show/ }).count()).toBe(0);
    await page.close();
  });
});
