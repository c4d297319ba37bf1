/**
 * "New list", the one owner of its controls: the button, and the dialog it
 * opens, a `<dialog>` held modal (pageDialog.ts) asking for an optional
 * title (the server's rules, checked before anything is sent). Creating
 * hands the new list and its owner key on; a refusal stays in the dialog,
 * with the title still in place.
 */
import { problemWithListTitle, type ListInfo } from "../../protocol/lists";
import { sentence, type ListAnswer } from "../core/listsApi";
import { openDialog } from "./pageDialog";
import { byId, showNote } from "./pageElements";

export class NewListDialog {
  readonly #dialog = byId<HTMLDialogElement>("newlistform");
  readonly #title = byId<HTMLInputElement>("newlisttitle");
  readonly #create = byId<HTMLButtonElement>("createlist");
  readonly #error = byId("newlisterror");
  readonly #createList: (title: string) => Promise<ListAnswer<{ list: ListInfo; ownerKey: string }>>;
  readonly #onCreated: (list: ListInfo, ownerKey: string) => void;

  constructor(
    create: (title: string) => Promise<ListAnswer<{ list: ListInfo; ownerKey: string }>>,
    onCreated: (list: ListInfo, ownerKey: string) => void,
  ) {
    this.#createList = create;
    this.#onCreated = onCreated;
    byId("newlistformmain").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#submit();
    });
    byId("cancelnewlist").addEventListener("click", () => this.#dialog.close());
    byId("newlist").addEventListener("click", () => this.open());
  }

  open(): void {
    this.#showProblem(null);
    openDialog(this.#dialog);
    this.#title.focus();
  }

  async #submit(): Promise<void> {
    const title = this.#title;
    const create = this.#create;
    const text = title.value.trim();
    const problem = text === "" ? null : problemWithListTitle(text);
    if (problem !== null) {
      this.#showProblem(problem);
      title.focus();
      return;
    }
    create.disabled = true;
    try {
      const answer = await this.#createList(text);
      if (!answer.ok) {
        this.#showProblem(`could not create the list: ${answer.message}`);
        return;
      }
      this.#onCreated(answer.list, answer.ownerKey);
    } finally {
      create.disabled = false;
    }
  }

  #showProblem(problem: string | null): void {
    showNote(this.#error, problem === null ? "" : sentence(problem));
    this.#title.setAttribute("aria-invalid", String(problem !== null));
  }
}
