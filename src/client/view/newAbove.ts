/**
 * Items that arrive while the reader is further down the list: each is
 * briefly highlighted (not at all under `prefers-reduced-motion`, by the
 * style sheet), and those above the screen are counted in an "N new" pill
 * that scrolls up to them. Scrolling up by hand clears the count too.
 */
export class NewAbove {
  #count = 0;
  #first: HTMLElement | null = null;

  readonly #pill: HTMLButtonElement;
  readonly #header: HTMLElement;

  constructor(
    pill: HTMLButtonElement,
    header: HTMLElement,
  ) {
    this.#pill = pill;
    this.#header = header;
    pill.addEventListener("click", () => this.#goUp());
    window.addEventListener("scroll", () => this.#count > 0 && this.#seen() && this.#clear(), { passive: true });
    document.addEventListener("animationend", (event) => (event.target as Element).classList.remove("arrived"));
  }

  /** New cards, newest first, already in the page. */
  arrived(cards: readonly HTMLElement[]): void {
    if (cards.length === 0) return;
    for (const card of cards) card.classList.add("arrived");
    const headerBottom = this.#header.getBoundingClientRect().bottom;
    const above = cards.filter((card) => card.getBoundingClientRect().bottom <= headerBottom);
    if (above.length === 0) return;
    this.#count += above.length;
    this.#first = above[0]!;
    this.#pill.textContent = `${this.#count} new`;
    this.#pill.setAttribute("aria-label", `${this.#count} new ${this.#count === 1 ? "item" : "items"} above: show`);
    this.#pill.hidden = false;
  }

  /** Whether the newest counted card is on screen below the header. */
  #seen(): boolean {
    return this.#first === null || !this.#first.isConnected || this.#first.getBoundingClientRect().top >= this.#header.getBoundingClientRect().bottom - 1;
  }

  #goUp(): void {
    const first = this.#first;
    this.#clear();
    if (!first?.isConnected) return;
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollTo({ top: window.scrollY + first.getBoundingClientRect().top - this.#header.getBoundingClientRect().bottom - 8, behavior: smooth ? "smooth" : "instant" });
    first.focus({ preventScroll: true });
  }

  #clear(): void {
    this.#count = 0;
    this.#first = null;
    this.#pill.hidden = true;
  }
}
