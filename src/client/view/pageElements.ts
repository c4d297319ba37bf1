/** Finding the page's elements, which index.html (and the server's rewrite of it) provides, and filling its notes. */

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Shows `text` in a note (an error line, a status), hidden while there is none. */
export function showNote(note: HTMLElement, text: string): void {
  note.textContent = text;
  note.hidden = text === "";
}

/** The server writes a list's title into the page's one <h1> (src/worker/lists.ts), so it goes without an id. */
export function pageTitle(): HTMLElement {
  const title = document.querySelector<HTMLElement>("h1");
  if (!title) throw new Error("the page has no <h1>");
  return title;
}
