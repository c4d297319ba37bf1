/** Keys for the page's commands: `n` opens Add New Item, except while typing or with a dialog open. */

/** Whether a key press belongs to something being typed (a field, an editable element). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}

export function onKey(key: string, action: () => void): void {
  document.addEventListener("keydown", (event) => {
    if (event.key !== key || event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.repeat) return;
    if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    action();
  });
}
