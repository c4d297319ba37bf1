/**
 * The page's polite live region: what changed on the list, said to a screen
 * reader without moving focus (removals, restores, items that arrived).
 */
export class Announcer {
  readonly #region: HTMLElement;

  constructor(region: HTMLElement) {
    this.#region = region;
  }

  say(text: string): void {
    // The same words twice in a row would not be read again: make the second differ, invisibly.
    this.#region.textContent = this.#region.textContent === text ? `${text}\u00a0` : text;
  }
}

/** An item's title as the page quotes it in a sentence. */
export function quoted(title: string): string {
  return `“${title}”`;
}

/**
 * @example
 * arrivalsText(["Milk"]) // "New item: “Milk”"
 * arrivalsText(["Milk", "Eggs", "Tea"]) // "3 new items"
 */
export function arrivalsText(titles: readonly string[]): string {
  return titles.length === 1 ? `New item: ${quoted(titles[0]!)}` : `${titles.length} new items`;
}
