/**
 * The page's dialogs (Add New Item, New list) behave as modal ones without
 * `showModal()`, which makes everything else inert: on a list of 1,000 cards
 * that restyled every card, up to 100 ms on opening and again on closing
 * (docs/PERFORMANCE.md). A dialog here is opened with `show()`, is marked
 * `aria-modal` in the page, and covers the page (styles.css), so a click
 * meant for the page behind lands on the dialog (it takes focus:
 * `tabindex="-1"`). This module holds it modal: Tab and Shift+Tab wrap
 * inside it, focus that lands outside comes back, and Escape cancels.
 * Closing returns focus to what opened it, as `show()` does on its own when
 * focus is inside the dialog.
 */

let shown: HTMLDialogElement | null = null;

// Disabled ones too (Create list, while it is asked): Tab then skips to the next, outside, and focusin brings it back.
const controls = (dialog: HTMLDialogElement) => [...dialog.querySelectorAll<HTMLElement>("input,textarea,button")];

/** Opens `dialog` (nothing happens if it is open already); its caller then moves focus into it. */
export function openDialog(dialog: HTMLDialogElement): void {
  shown = dialog;
  dialog.show();
}

document.addEventListener("keydown", (event) => {
  if (!shown?.open) return;
  if (event.key === "Escape") {
    event.preventDefault();
    shown.close();
  }
  if (event.key !== "Tab") return;
  const all = controls(shown);
  const [first, last] = event.shiftKey ? [all.at(-1), all[0]] : [all[0], all.at(-1)];
  const focused = document.activeElement as HTMLElement;
  if (focused === last || !all.includes(focused)) {
    event.preventDefault();
    first?.focus();
  }
});

document.addEventListener("focusin", (event) => {
  if (shown?.open && !shown.contains(event.target as Node)) controls(shown)[0]?.focus();
});
