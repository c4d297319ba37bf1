/**
 * Putting the list's cards in order on the page (listView.ts): only the
 * elements whose place changed are moved, so a card someone is reading is
 * not rebuilt under them, and focus inside a card that leaves the page
 * (removed here or elsewhere) moves on to the card that takes its place.
 */

/** Makes `nodes` the children of `list`, in that order; `focusWhenEmpty` takes the focus when no card is left to take it. */
export function placeInOrder(list: HTMLElement, nodes: readonly Element[], focusWhenEmpty: HTMLElement): void {
  const card = document.activeElement?.closest(".itementry");
  const focusedCard = card?.parentElement === list ? card : null;
  const before = focusedCard ? [...list.children] : [];
  let cursor = list.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(node, cursor);
  }
  while (cursor) {
    const next: Element | null = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
  if (focusedCard && !focusedCard.isConnected) focusInPlaceOf(before, before.indexOf(focusedCard), focusWhenEmpty);
}

function focusInPlaceOf(before: Element[], index: number, focusWhenEmpty: HTMLElement): void {
  const candidates = [...before.slice(index + 1), ...before.slice(0, index).reverse()];
  const next = candidates.find((element) => element.isConnected);
  if (next instanceof HTMLElement) next.focus();
  else focusWhenEmpty.focus();
}
