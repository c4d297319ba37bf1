/**
 * The list's part of the header, the one owner of its controls: the title
 * (the page's `<h1>`, renamed in place by an owner), "Copy link" and, for
 * owners, "Copy owner link", the note below them, and "Your lists". Titles
 * are only ever set as text. Copying falls back to a selected field when the
 * clipboard is out of reach (an insecure origin, a refused permission).
 */
import { MAIN_LIST_TITLE, problemWithListTitle, type ListInfo } from "../../protocol/lists";
import { ownerLink, shareLink } from "../core/listAddress";
import { sentence, type ListAnswer } from "../core/listsApi";
import type { RememberedList } from "../core/localLists";
import { byId, pageTitle, showNote } from "./pageElements";

export interface ListHeaderOptions {
  listId: string;
  origin: string;
  rename(title: string, ownerKey: string): Promise<ListAnswer<{ list: ListInfo }>>;
  onRenamed(list: ListInfo): void;
}

/** The document's title for a list: the server's `{title} · Listroom`, or just "Listroom" for the default list. */
export function documentTitle(listTitle: string): string {
  return listTitle === MAIN_LIST_TITLE ? MAIN_LIST_TITLE : `${listTitle} · ${MAIN_LIST_TITLE}`;
}

export class ListHeader {
  #ownerKey: string | null = null;

  readonly #title = pageTitle();
  readonly #rename = byId<HTMLButtonElement>("renamelist");
  readonly #renameForm = byId<HTMLFormElement>("renameform");
  readonly #renameInput = byId<HTMLInputElement>("renametitle");
  readonly #renameSave = byId<HTMLButtonElement>("saverename");
  readonly #renameError = byId("renameerror");
  readonly #copyOwnerLink = byId<HTMLButtonElement>("copyownerlink");
  readonly #linkField = byId<HTMLInputElement>("linkfield");
  readonly #note = byId("sharenote");
  readonly #yourLists = byId("yourlistsitems");
  readonly #options: ListHeaderOptions;

  constructor(options: ListHeaderOptions) {
    this.#options = options;
    // "Your lists" folds away like a menu: on a click elsewhere, or on Escape (focus back on its summary).
    const yourListsMenu = byId<HTMLDetailsElement>("yourlists");
    document.addEventListener("click", (event) => {
      if (yourListsMenu.open && !yourListsMenu.contains(event.target as Node)) yourListsMenu.open = false;
    });
    yourListsMenu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !yourListsMenu.open) return;
      yourListsMenu.open = false;
      yourListsMenu.querySelector("summary")?.focus();
    });
    // The title stays on one line in the header; a tap or Enter shows it whole, and again folds it.
    const title = this.#title;
    title.tabIndex = 0;
    title.title = title.textContent ?? "";
    title.addEventListener("click", () => title.classList.toggle("whole"));
    title.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        title.classList.toggle("whole");
      }
    });
    this.#rename.addEventListener("click", () => this.#startRename());
    byId("cancelrename").addEventListener("click", () => this.#endRename());
    this.#renameInput.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.#endRename();
      }
    });
    this.#renameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#submitRename();
    });
    byId("copylink").addEventListener("click", () =>
      void this.#copy(shareLink(options.origin, options.listId), "Link copied: anyone with it can see and add to this list."),
    );
    this.#copyOwnerLink.addEventListener("click", () => {
      if (this.#ownerKey === null) return;
      void this.#copy(
        ownerLink(options.origin, options.listId, this.#ownerKey),
        "Owner link copied: whoever opens it can rename this list. Share it with care.",
      );
    });
  }

  /** The list's title as the page shows it. */
  get title(): string {
    return this.#title.textContent ?? "";
  }

  showTitle(title: string): void {
    this.#title.textContent = title;
    this.#title.title = title;
    document.title = documentTitle(title);
  }

  /** Whether this browser holds the list's owner key: owners get Rename and Copy owner link. */
  setOwnerKey(ownerKey: string | null): void {
    this.#ownerKey = ownerKey;
    this.#rename.hidden = ownerKey === null;
    this.#copyOwnerLink.hidden = ownerKey === null;
  }

  showYourLists(lists: readonly RememberedList[]): void {
    const entries = lists.map((list) => {
      const link = document.createElement("a");
      link.href = shareLink("", list.id);
      link.textContent = list.title;
      if (list.id === this.#options.listId) link.setAttribute("aria-current", "page");
      const entry = document.createElement("li");
      entry.append(link);
      return entry;
    });
    this.#yourLists.replaceChildren(...entries);
  }

  /** Says `text` in the note below the links (what a copy or an owner link came to). */
  say(text: string): void {
    this.#note.textContent = text;
  }

  #startRename(): void {
    const renameInput = this.#renameInput;
    renameInput.value = this.title;
    this.#showRenameProblem(null);
    this.#title.hidden = this.#rename.hidden = true;
    this.#renameForm.hidden = false;
    renameInput.focus();
    renameInput.select();
  }

  #endRename(): void {
    const rename = this.#rename;
    this.#renameForm.hidden = true;
    this.#title.hidden = false;
    rename.hidden = this.#ownerKey === null;
    rename.focus();
  }

  async #submitRename(): Promise<void> {
    const renameInput = this.#renameInput;
    const renameSave = this.#renameSave;
    const title = renameInput.value.trim();
    const problem = problemWithListTitle(title);
    if (problem !== null || this.#ownerKey === null) {
      this.#showRenameProblem(sentence(problem ?? "only an owner can rename this list"));
      renameInput.focus();
      return;
    }
    renameSave.disabled = true;
    try {
      const answer = await this.#options.rename(title, this.#ownerKey);
      if (!answer.ok) {
        this.#showRenameProblem(sentence(`could not rename the list: ${answer.message}`));
        renameInput.focus();
        return;
      }
      this.showTitle(answer.list.title);
      this.#options.onRenamed(answer.list);
      this.#endRename();
      this.say("Renamed.");
    } finally {
      renameSave.disabled = false;
    }
  }

  #showRenameProblem(problem: string | null): void {
    showNote(this.#renameError, problem ?? "");
    this.#renameInput.setAttribute("aria-invalid", String(problem !== null));
  }

  async #copy(link: string, done: string): Promise<void> {
    const linkField = this.#linkField;
    try {
      await navigator.clipboard.writeText(link);
      linkField.hidden = true;
      this.say(done);
    } catch {
      linkField.value = link;
      linkField.hidden = false;
      linkField.focus();
      linkField.select();
      this.say("Copy this link (Ctrl+C or ⌘+C).");
    }
  }
}
