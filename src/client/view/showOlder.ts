/**
 * The "Show older" button under the list: it reads the next older page from
 * the server and appends it, one request at a time, keeping the keyboard's
 * place as the button goes away with the last page.
 */
import type { Item } from "../../protocol/item";
import type { ItemsPage } from "../core/listModel";
import type { ListView } from "./listView";

export interface OlderPages {
  /** Reads the page of items older than `before`. */
  read(before: string): Promise<ItemsPage>;
  /** Called with every page read, before it is shown (the inbox must know what the page shows). */
  shown(items: Item[]): void;
  /** Called once a page is on screen (the device's copy keeps it). */
  appended(): void;
}

export function wireShowOlder(button: HTMLButtonElement, view: ListView, pages: OlderPages): void {
  button.addEventListener("click", async () => {
    const before = view.model.oldestId();
    // Marked, not disabled, while it loads: a disabled button loses focus, and a Tab from where it was then searches the whole page.
    if (before === null || button.ariaDisabled) return;
    button.ariaDisabled = "true";
    try {
      const page = await pages.read(before);
      pages.shown(page.items);
      await view.appendOlder(page);
      pages.appended();
      // Gone with the last page, the button hands its focus on to the first card it brought instead of dropping it
      // (Chromium may have dropped it to the body already, once the button was hidden).
      const focused = document.activeElement;
      if (button.hidden && (focused === button || focused === document.body)) view.card(page.items[0]?.id ?? "")?.root.focus();
    } catch (error) {
      console.warn("could not load older items", error);
    } finally {
      button.ariaDisabled = null;
    }
  });
}
