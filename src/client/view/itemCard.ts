/**
 * One item's card, built as DOM nodes: its Done checkbox ("Done: title"), its
 * title, its body (web addresses as links, folded to one line behind "Show
 * more", or a tap on the line), when it was saved, Edit and Remove, and in its
 * Undo window "Removed “title” · Undo". Text from people is only ever set as
 * text nodes, never parsed as HTML. The seed's markup is kept:
 * `.itementry > h2 + div`. How a card lies out as a compact row is styles.css's.
 */
import type { Item } from "../../protocol/item";
import { bodyPieces } from "../core/bodyLinks";
import { exactTime } from "../core/relativeTime";

/**
 * A body shows as one line until unfolded. Fewer characters than the
 * narrowest phone's line holds, with no line break, never need it, so they
 * are never measured, which keeps big lists quick.
 */
const FOLD_CANDIDATE_CHARS = 16;

export interface ItemCard {
  root: HTMLElement;
  done: HTMLInputElement;
  title: HTMLElement;
  body: HTMLElement;
  showMore: HTMLButtonElement;
  meta: HTMLTimeElement;
  actions: HTMLElement;
  removedNote: HTMLElement;
  removedTitle: HTMLElement;
  undo: HTMLButtonElement;
  /** The body the card shows (so an unchanged body is never rebuilt), and whether it is unfolded. */
  shownBody: string | null;
  expanded: boolean;
}

export function actionButton(label: string, action: string): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "link";
  element.textContent = label;
  element.dataset.action = action;
  return element;
}

export function createCard(className: string): ItemCard {
  const root = document.createElement("article");
  root.className = className;
  root.tabIndex = -1;
  const done = document.createElement("input");
  done.type = "checkbox";
  done.className = "donebox";
  done.dataset.action = "done";
  const title = document.createElement("h2");
  const body = document.createElement("div");
  const showMore = actionButton("Show more", "more");
  showMore.className = "link showmore";
  showMore.setAttribute("aria-expanded", "false");
  showMore.hidden = true;
  const meta = document.createElement("time");
  meta.className = "meta";
  const actions = document.createElement("p");
  actions.className = "itemactions";
  actions.hidden = true;
  actions.append(actionButton("Edit", "edit"), actionButton("Remove", "remove"));
  const removedNote = document.createElement("p");
  removedNote.className = "removednote";
  removedNote.hidden = true;
  const removedTitle = document.createElement("span");
  const undo = actionButton("Undo", "undo");
  removedNote.append("Removed “", removedTitle, "” · ", undo);
  root.append(done, title, body, showMore, meta, actions, removedNote);
  return { root, done, title, body, showMore, meta, actions, removedNote, removedTitle, undo, shownBody: null, expanded: false };
}

/** Sets text only when it differs, so an unchanged item's nodes (and a reader's selection) stay as they are. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function linkNode(text: string, href: string): HTMLAnchorElement {
  const link = document.createElement("a");
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer nofollow ugc";
  link.textContent = text;
  return link;
}

/** Whether a body may be longer than its one folded line, judged from its text alone. */
function mayNeedFolding(body: string): boolean {
  return body.length > FOLD_CANDIDATE_CHARS || /[\n\r\u2028\u2029\u0085]/u.test(body);
}

export function setTitle(card: ItemCard, title: string): void {
  setText(card.title, title);
  setText(card.removedTitle, title);
  const doneLabel = `Done: ${title}`;
  if (card.done.getAttribute("aria-label") !== doneLabel) card.done.setAttribute("aria-label", doneLabel);
}

/** When the item was saved, for its `<time>`; the exact time of its latest change shows on hover. */
export function setSavedAt(card: ItemCard, item: Item): void {
  card.meta.dateTime = item.createdAt;
  card.meta.title = exactTime(new Date(item.updatedAt ?? item.createdAt));
}

/** Shows the item ticked off (or not): checked, and struck through where it stands. */
export function setDone(card: ItemCard, done: boolean): void {
  card.done.checked = done;
  card.root.classList.toggle("done", done);
}

/**
 * Shows `body`, links and all; a body that may pass the fold is folded and
 * handed to `measure`, which shows "Show more" once layout says it overflows.
 */
export function setBody(card: ItemCard, body: string, measure: (card: ItemCard) => void): void {
  if (card.shownBody === body) return;
  card.shownBody = body;
  card.body.replaceChildren(...bodyPieces(body).map((piece) => ("href" in piece ? linkNode(piece.text, piece.href) : piece.text)));
  card.body.hidden = body === "";
  const foldable = mayNeedFolding(body);
  if (!foldable && card.expanded) toggleFold(card);
  card.body.classList.toggle("folded", foldable && !card.expanded);
  card.showMore.hidden = !foldable || !card.expanded;
  unfoldOnTap(card);
  if (foldable) measure(card);
}

/** After layout: whether the folded body hides something. */
export function bodyOverflows(card: ItemCard): boolean {
  return card.body.scrollHeight > card.body.clientHeight + 1;
}

/** "Show more" only where the folded body hides something. */
export function showFold(card: ItemCard, overflowing: boolean): void {
  if (!card.expanded) card.showMore.hidden = !overflowing;
}

/** A tap on a folded body unfolds it, as "Show more" does; an unfolded one is left for selecting text and following links. */
function unfoldOnTap(card: ItemCard): void {
  if (card.expanded) delete card.body.dataset.action;
  else card.body.dataset.action = "more";
}

/** Unfolds the body or folds it back; a tap on a body that hides nothing does nothing. */
export function toggleFold(card: ItemCard): void {
  if (card.showMore.hidden) return;
  card.expanded = !card.expanded;
  unfoldOnTap(card);
  card.body.classList.toggle("folded", !card.expanded);
  card.showMore.textContent = card.expanded ? "Show less" : "Show more";
  card.showMore.setAttribute("aria-expanded", String(card.expanded));
  card.showMore.hidden = false;
}
