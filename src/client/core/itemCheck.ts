/**
 * The page's check of a new item before it is sent: the same normalisation
 * and rules the server applies (src/protocol/text.ts), so what passes here is
 * what the server stores, and what fails here would fail there too.
 */
import type { NewItem } from "../../protocol/item";
import { normalizeItemText, problemWithField } from "../../protocol/text";

export type ItemCheck =
  | { ok: true; input: NewItem }
  | { ok: false; titleProblem: string | null; bodyProblem: string | null };

/**
 * @example
 * checkNewItem(" Milk ", "two litres") // { ok: true, input: { title: "Milk", body: "two litres" } }
 */
export function checkNewItem(rawTitle: string, rawBody: string): ItemCheck {
  const input = { title: normalizeItemText(rawTitle), body: normalizeItemText(rawBody) };
  const titleProblem = problemWithField("title", input.title);
  const bodyProblem = problemWithField("body", input.body);
  if (titleProblem === null && bodyProblem === null) return { ok: true, input };
  return { ok: false, titleProblem, bodyProblem };
}
