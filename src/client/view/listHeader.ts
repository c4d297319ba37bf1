/**
 * The list's part of the header: its title (renamed in place by an owner),
 * "Copy link" and, for owners, "Copy owner link", and "Your lists". Titles
 * are only ever set as text. Copying falls back to a selected field when the
 * clipboard is out of reach (an insecure origin, a refused permission).
 */
import { MAIN_LIST_TITLE, problemWithListTitle, type ListInfo } from "../../protocol/lists";
import { ownerLink, shareLink } from "../core/listAddress";
import { sentence, type ListAnswer } from "../core/listsApi";
import type { RememberedList } from "../core/localLists";
import { showNote } from "./pageElements";

export interface ListHeaderElements {
  title: HTMLElement;
  rename: HTMLButtonElement;
  renameForm: HTMLFormElement;
  renameInput: HTMLInputElement;
  renameSave: HTMLButtonElement;
  renameCancel: HTMLButtonElement;
  renameError: HTMLElement;
  copyLink: HTMLButtonElement;
  copyOwnerLink: HTMLButtonElement;
  linkField: HTMLInputElement;
  note: HTMLElement;
  yourListsMenu: HTMLDetailsElement;
  yourLists: HTMLElement;
}

export interface ListHeaderOptions {
  listId: string;
  origin: string;
  rename(title: string, ownerKey: string): Promise<ListAnswer<{ list: ListInfo }>>;
  onRenamed(list: ListInfo): void;
}

/** The document's title for a list: the server's `{title} · Listroom`, or just "Listroom" for the default list. */
export function pageTitle(listTitle: string): string {
  return listTitle === MAIN_LIST_TITLE ? MAIN_LIST_TITLE : `${listTitle} · ${MAIN_LIST_TITLE}`;
}

export class ListHeader {
  #ownerKey: string | null = null;

  readonly #elements: ListHeaderElements;
  readonly #options: ListHeaderOptions;

  constructor(
    elements: ListHeaderElements,
    options: ListHeaderOptions,
  ) {
    this.#elements = elements;
    this.#options = options;
    const { rename, renameForm, renameInput, renameCancel, copyLink, copyOwnerLink, yourListsMenu } = elements;
    // "Your lists" folds away like a menu: on a click elsewhere, or on Escape (focus back on its summary).
    document.addEventListener("click", (event) => {
      if (yourListsMenu.open && !yourListsMenu.contains(event.target as Node)) yourListsMenu.open = false;
    });
    yourListsMenu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !yourListsMenu.open) return;
      yourListsMenu.open = false;
      yourListsMenu.querySelector("summary")?.focus();
    });
    // The title stays on one line in the header; a tap or Enter shows it whole, and again folds it.
    const { title } = elements;
    title.tabIndex = 0;
    title.title = title.textContent ?? "";
    title.addEventListener("click", () => title.classList.toggle("whole"));
    title.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        title.classList.toggle("whole");
      }
    });
    rename.addEventListener("click", () => this.#startRename());
    renameCancel.addEventListener("click", () => this.#endRename());
    renameInput.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.#endRename();
      }
    });
    renameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#submitRename();
    });
    copyLink.addEventListener("click", () =>
      void this.#copy(shareLink(options.origin, options.listId), "Link copied: anyone with it can see and add to this list."),
    );
    copyOwnerLink.addEventListener("click", () => {
      if (this.#ownerKey === null) return;
      void this.#copy(
        ownerLink(options.origin, options.listId, this.#ownerKey),
        "Owner link copied: whoever opens it can rename this list. Share it with care.",
      );
    });
  }

  showTitle(title: string): void {
    this.#elements.title.textContent = title;
    this.#elements.title.title = title;
    document.title = pageTitle(title);
  }

  /** Whether this browser holds the list's owner key: owners get Rename and Copy owner link. */
  setOwnerKey(ownerKey: string | null): void {
    this.#ownerKey = ownerKey;
    this.#elements.rename.hidden = ownerKey === null;
    this.#elements.copyOwnerLink.hidden = ownerKey === null;
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
    this.#elements.yourLists.replaceChildren(...entries);
  }

  #startRename(): void {
    const { title, rename, renameForm, renameInput } = this.#elements;
    renameInput.value = title.textContent ?? "";
    this.#showRenameProblem(null);
    title.hidden = rename.hidden = true;
    renameForm.hidden = false;
    renameInput.focus();
    renameInput.select();
  }

  #endRename(): void {
    const { title, rename, renameForm } = this.#elements;
    renameForm.hidden = true;
    title.hidden = false;
    rename.hidden = this.#ownerKey === null;
    rename.focus();
  }

  async #submitRename(): Promise<void> {
    const { renameInput, renameSave } = this.#elements;
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
      this.#say("Renamed.");
    } finally {
      renameSave.disabled = false;
    }
  }

  #showRenameProblem(problem: string | null): void {
    const { renameError, renameInput } = this.#elements;
    showNote(renameError, problem ?? "");
    renameInput.setAttribute("aria-invalid", String(problem !== null));
  }

  async #copy(link: string, done: string): Promise<void> {
    const { linkField } = this.#elements;
    try {
      await navigator.clipboard.writeText(link);
      linkField.hidden = true;
      this.#say(done);
    } catch {
      linkField.value = link;
      linkField.hidden = false;
      linkField.focus();
      linkField.select();
      this.#say("Copy this link (Ctrl+C or ⌘+C).");
    }
  }

  #say(text: string): void {
    this.#elements.note.textContent = text;
  }
}
