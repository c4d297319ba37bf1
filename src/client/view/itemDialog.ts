/**
 * The "Add New Item" dialog: a `<dialog>` held modal (pageDialog.ts) with the seed's form,
 * also used to edit an item (prefilled, titled "Edit item"). It checks the
 * same rules the server does (from the protocol module) before anything is
 * sent, and can reopen with the server's message and the text still in place
 * when a save or an edit is refused. When an edit collided with another
 * writer's, it reopens with the person's text and the other version beside
 * it: "Keep mine" saves the person's text over theirs, "Take theirs" leaves theirs.
 * Several lines in Title (pasted, or typed with Shift+Enter) add one item
 * each (core/titleLines.ts), in one request; the dialog says how many it will add.
 */
import type { NewLine } from "../../protocol/batch";
import type { NewItem } from "../../protocol/item";
import { BODY_MAX_CHARS, TITLE_MAX_CHARS } from "../../protocol/limits";
import { charCount, FIELD_LABELS, normalizeItemText, type ItemField } from "../../protocol/text";
import type { Fields } from "../core/changeRefusals";
import { checkNewItem } from "../core/itemCheck";
import { checkLines, LINE_BREAK, titleLines, type TitleLine } from "../core/titleLines";
import { sentence } from "../core/listsApi";
import { openDialog } from "./pageDialog";
import { byId, showNote } from "./pageElements";

export interface DialogElements {
  dialog: HTMLDialogElement;
  form: HTMLFormElement;
  title: HTMLTextAreaElement;
  text: HTMLTextAreaElement;
  titleCounter: HTMLElement;
  /** "Adds 3 items", when Title holds several lines. */
  titleLines: HTMLElement;
  textCounter: HTMLElement;
  error: HTMLElement;
  cancel: HTMLButtonElement;
  save: HTMLButtonElement;
  heading: HTMLElement;
  /** The other version, beside the person's own, after a collision. */
  theirs: HTMLElement;
}

/** The add and edit dialog's elements in the page (public/index.html). */
export function dialogElements(): DialogElements {
  return {
    dialog: byId<HTMLDialogElement>("itemform"),
    form: byId<HTMLFormElement>("itemformmain"),
    title: byId<HTMLTextAreaElement>("itemtitle"),
    text: byId<HTMLTextAreaElement>("itemtext"),
    titleCounter: byId("itemtitlecounter"),
    titleLines: byId("itemtitlelines"),
    textCounter: byId("itemtextcounter"),
    error: byId("formerror"),
    cancel: byId<HTMLButtonElement>("cancelitem"),
    save: byId<HTMLButtonElement>("saveitem"),
    heading: byId("itemformheading"),
    theirs: byId("theirs"),
  };
}

/** The item an edit is for, the version the person saw (sent as `If-Match`), and the text the edit started from (only what differs is sent). */
export interface EditTarget {
  itemId: string;
  version: number;
  opened: NewItem;
}

const MAX: Record<ItemField, number> = { title: TITLE_MAX_CHARS, body: BODY_MAX_CHARS };

export class ItemDialog {
  #editing: EditTarget | null = null;

  readonly #elements: DialogElements;
  readonly #onSave: (input: NewItem, editing: EditTarget | null) => void;
  readonly #onAddLines: (lines: NewLine[]) => void;

  constructor(
    elements: DialogElements,
    onSave: (input: NewItem, editing: EditTarget | null) => void,
    onAddLines: (lines: NewLine[]) => void = () => undefined,
  ) {
    this.#elements = elements;
    this.#onSave = onSave;
    this.#onAddLines = onAddLines;
    const { form, title, text, cancel, dialog } = elements;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    cancel.addEventListener("click", () => dialog.close());
    title.addEventListener("input", () => this.#updateCounters());
    text.addEventListener("input", () => this.#updateCounters());
    title.addEventListener("keydown", (event) => {
      // Shift+Enter starts another line: another item.
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        text.focus();
      }
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.#submit();
      }
    });
    this.#updateCounters();
  }

  get isOpen(): boolean {
    return this.#elements.dialog.open;
  }

  /** Calls `listener` each time the dialog closes (saved, cancelled or escaped). */
  onClosed(listener: () => void): void {
    this.#elements.dialog.addEventListener("close", listener);
  }

  /**
   * Opens the dialog, empty or filled (a refused save and the reason, or an
   * item to edit); with `theirs`, the other writer's version of the fields
   * that collided, shown beside the person's own.
   */
  open(prefill?: NewItem, problem?: string, editing: EditTarget | null = null, theirs: Fields = {}): void {
    const { dialog, title, text, form, heading, cancel, save } = this.#elements;
    const fields = (["title", "body"] as const).filter((field) => theirs[field] !== undefined);
    this.#elements.theirs.replaceChildren(...fields.map((field) => theirLine(FIELD_LABELS[field], theirs[field]!)));
    this.#elements.theirs.hidden = fields.length === 0;
    cancel.textContent = fields.length ? "Take theirs" : "Cancel";
    save.textContent = fields.length ? "Keep mine" : "Save";
    // A draft of a new item survives Cancel; an edit's text does not become one.
    if (editing !== null || this.#editing !== null) form.reset();
    this.#editing = editing;
    heading.textContent = editing ? "Edit item" : "New item";
    if (prefill) {
      title.value = prefill.title;
      text.value = prefill.body;
    }
    this.#showProblem(problem ?? null);
    this.#updateCounters();
    openDialog(dialog);
    title.focus();
  }

  /** The items Title's lines would add, when it holds a line break and adds rather than edits. */
  #lines(): TitleLine[] | null {
    const { value } = this.#elements.title;
    return this.#editing === null && LINE_BREAK.test(value) ? titleLines(value) : null;
  }

  /** Title's lines as items, sent together; false when they are one plain line, saved as one item with its Main Text. */
  #submitLines(lines: TitleLine[]): boolean {
    if (lines.length <= 1 && !lines[0]?.done) {
      this.#elements.title.value = lines[0]?.title ?? "";
      return false;
    }
    const check = checkLines(lines);
    const titleProblem = check.ok ? null : check.problem;
    const bodyProblem = this.#elements.text.value.trim() === "" ? null : "Main Text goes with one item: clear it to add several, or keep one line in Title";
    if (!check.ok || bodyProblem !== null) {
      this.#markInvalid([titleProblem, bodyProblem]);
      this.#showProblem(sentence((titleProblem ?? bodyProblem)!));
    } else {
      this.#close();
      this.#onAddLines(check.lines);
    }
    return true;
  }

  #submit(): void {
    const lines = this.#lines();
    if (lines && this.#submitLines(lines)) return;
    if (LINE_BREAK.test(this.#elements.title.value)) {
      const problem = "Title must be one line";
      this.#markInvalid([problem, null]);
      return this.#showProblem(`${problem}.`);
    }
    const check = checkNewItem(this.#elements.title.value, this.#elements.text.value);
    if (!check.ok) {
      const problems = [check.titleProblem, check.bodyProblem];
      this.#markInvalid(problems);
      const problem = problems.find((found) => found !== null)!;
      this.#showProblem(sentence(problem));
      return;
    }
    const { input } = check;
    const editing = this.#editing;
    this.#close();
    this.#onSave(input, editing);
  }

  #close(): void {
    this.#editing = null;
    this.#markInvalid([null, null]);
    this.#showProblem(null);
    this.#elements.form.reset();
    this.#updateCounters();
    this.#elements.dialog.close();
  }

  #markInvalid(problems: (string | null)[]): void {
    const [titleProblem, bodyProblem] = problems;
    this.#elements.title.setAttribute("aria-invalid", String(titleProblem !== null));
    this.#elements.text.setAttribute("aria-invalid", String(bodyProblem !== null));
    (titleProblem ? this.#elements.title : bodyProblem ? this.#elements.text : null)?.focus();
  }

  #showProblem(problem: string | null): void {
    showNote(this.#elements.error, problem ?? "");
  }

  #updateCounters(): void {
    const { title, titleLines: added } = this.#elements;
    const lines = this.#lines();
    const count = lines?.length ?? 0;
    added.textContent = count > 1 ? `Adds ${count} items` : "";
    added.hidden = count < 2;
    title.rows = Math.min(title.value.split(LINE_BREAK).length, 6);
    // Several lines: the counter is the longest one's, since each is a title.
    const longest = lines?.reduce((most, line) => (charCount(line.title) > charCount(most) ? line.title : most), "") ?? title.value;
    const pairs: [HTMLElement, string, ItemField][] = [
      [this.#elements.titleCounter, longest, "title"],
      [this.#elements.textCounter, this.#elements.text.value, "body"],
    ];
    for (const [counter, value, field] of pairs) {
      const count = charCount(normalizeItemText(value));
      counter.textContent = `${count} / ${MAX[field]}`;
      counter.classList.toggle("over", count > MAX[field]);
    }
  }
}

/** One field of the other version: its label, then its text as written (line breaks kept by the style). */
function theirLine(label: string, value: string): HTMLElement {
  const line = document.createElement("p");
  const name = document.createElement("strong");
  name.textContent = `${label} there: `;
  line.append(name, value);
  return line;
}
