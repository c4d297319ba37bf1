/**
 * The "Hide done" switch: this browser remembers it per list, and the list
 * and the older matches a search found hide their done items alike, counting
 * only what they show.
 */
import type { HideDone } from "../core/hideDone";
import type { ListView } from "./listView";

export function wireHideDone(toggle: HTMLInputElement, kept: HideDone, view: ListView): void {
  toggle.checked = kept.on;
  view.hideDone(toggle.checked);
  toggle.addEventListener("change", () => {
    kept.on = toggle.checked;
    view.hideDone(toggle.checked);
  });
}
