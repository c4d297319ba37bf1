/** Finding the page's elements, which index.html (and the server's rewrite of it) provides. */

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** The server writes a list's title into the page's one <h1> (src/worker/lists.ts), so it goes without an id. */
export function pageTitle(): HTMLElement {
  const title = document.querySelector<HTMLElement>("h1");
  if (!title) throw new Error("the page has no <h1>");
  return title;
}
