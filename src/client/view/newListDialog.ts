/**
 * The "New list" dialog: a `<dialog>` held modal (pageDialog.ts) asking for an optional
 * title (the server's rules, checked before anything is sent). Creating
 * hands the new list and its owner key on; a refusal stays in the dialog,
 * with the title still in place.
 */
import { problemWithListTitle, type ListInfo } from "../../protocol/lists";
import { sentence, type ListAnswer } from "../core/listsApi";
import { openDialog } from "./pageDialog";
import { showNote } from "./pageElements";

export interface NewListElements {
  dialog: HTMLDialogElement;
  form: HTMLFormElement;
  title: HTMLInputElement;
  create: HTMLButtonElement;
  cancel: HTMLButtonElement;
  error: HTMLElement;
}

export class NewListDialog {
  readonly #elements: NewListElements;
  readonly #create: (title: string) => Promise<ListAnswer<{ list: ListInfo; ownerKey: string }>>;
  readonly #onCreated: (list: ListInfo, ownerKey: string) => void;

  constructor(
    elements: NewListElements,
    create: (title: string) => Promise<ListAnswer<{ list: ListInfo; ownerKey: string }>>,
    onCreated: (list: ListInfo, ownerKey: string) => void,
  ) {
    this.#elements = elements;
    this.#create = create;
    this.#onCreated = onCreated;
    elements.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#submit();
    });
    elements.cancel.addEventListener("click", () => elements.dialog.close());
  }

  open(): void {
    this.#showProblem(null);
    openDialog(this.#elements.dialog);
    this.#elements.title.focus();
  }

  async #submit(): Promise<void> {
    const { title, create } = this.#elements;
    const text = title.value.trim();
    const problem = text === "" ? null : problemWithListTitle(text);
    if (problem !== null) {
      this.#showProblem(problem);
      title.focus();
      return;
    }
    create.disabled = true;
    try {
      const answer = await this.#create(text);
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
    const { error, title } = this.#elements;
    showNote(error, problem === null ? "" : sentence(problem));
    title.setAttribute("aria-invalid", String(problem !== null));
  }
}
