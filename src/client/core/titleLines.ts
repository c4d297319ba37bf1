/**
 * Several lines typed or pasted into the add dialog's Title, read as one
 * item per line, in order: blank lines skipped, a list's marks taken off
 * (`- `, `* `, `+ `, `• `, `1. `, `1) `), and a checkbox after them (`[ ]`,
 * `[x]`, or the printed list's ☐ ☑) saying whether the item is added done.
 * Then each title is checked by the protocol's rules, as the server will.
 *
 * @example
 * titleLines("- [x] Apples\n\n2. Pears") // [{ title: "Apples", done: true, line: 1 }, { title: "Pears", done: false, line: 3 }]
 */
import type { NewLine } from "../../protocol/batch";
import { BATCH_MAX_ITEMS } from "../../protocol/limits";
import { normalizeItemText, problemWithField } from "../../protocol/text";

/** Every line break a title may not hold; CR LF is one. */
export const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/;
const LIST_MARK = /^(?:(?:[-*+]|\d{1,3}[.)])(?:\s+|$)|•\s*)/u;
const CHECKBOX = /^(?:\[([ xX])\](?:\s+|$)|([☐☑☒])\s*)/u;

export interface TitleLine {
  title: string;
  done: boolean;
  /** Where it stands in the text, from 1, blank lines counted: how a problem with it is named. */
  line: number;
}

export function titleLines(text: string): TitleLine[] {
  return text.split(LINE_BREAK).flatMap((raw, index) => {
    // A tab between a spreadsheet's columns is a space in a title, which may hold no tab.
    const unmarked = raw.replace(/\t+/g, " ").trim().replace(LIST_MARK, "");
    const box = CHECKBOX.exec(unmarked);
    const mark = box?.[1] ?? box?.[2];
    const title = (box ? unmarked.slice(box[0].length) : unmarked).trim();
    return title === "" ? [] : [{ title, done: mark !== undefined && mark !== " " && mark !== "☐", line: index + 1 }];
  });
}

export type LinesCheck = { ok: true; lines: NewLine[] } | { ok: false; problem: string };

/**
 * The lines as the server stores them, or the first problem: a line that
 * breaks a title's rules (named by its number among the items), or more
 * lines than one request may add.
 *
 * @example
 * checkLines([{ title: " Milk", done: false, line: 1 }]) // { ok: true, lines: [{ title: "Milk", body: "", done: false }] }
 */
export function checkLines(lines: readonly TitleLine[]): LinesCheck {
  if (lines.length > BATCH_MAX_ITEMS) {
    return { ok: false, problem: `That is ${lines.length} lines; at most ${BATCH_MAX_ITEMS} items can be added at once` };
  }
  const checked: NewLine[] = [];
  for (const line of lines) {
    const title = normalizeItemText(line.title);
    const problem = problemWithField("title", title);
    if (problem !== null) return { ok: false, problem: `Line ${line.line}: ${problem}` };
    checked.push({ title, body: "", done: line.done });
  }
  return { ok: true, lines: checked };
}

/** The lines written back as Title text, done ones with `[x] `, for a dialog reopened after a refusal. */
export function linesText(lines: readonly NewLine[]): string {
  return lines.map((line) => `${line.done ? "[x] " : ""}${line.title}`).join("\n");
}
