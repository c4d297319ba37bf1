/**
 * One zod schema per HTTP input. Item text rules come from the protocol
 * module (src/protocol/text.ts), so the page and the server cannot disagree
 * about them.
 */
import { z } from "zod";
import { normalizeItemText, problemWithField, type ItemField } from "../protocol/text";
import { DEFAULT_LIST_TITLE, problemWithListTitle } from "../protocol/lists";
import { IDEMPOTENCY_KEY_MAX_CHARS, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from "../protocol/limits";

function itemText(field: ItemField) {
  return z
    .string({ error: `${field} must be a string` })
    .transform(normalizeItemText)
    .superRefine((value, ctx) => {
      const problem = problemWithField(field, value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

export const NewItemSchema = z.object({
  title: itemText("title"),
  body: itemText("body"),
});

/** The seed's form fields, as `POST /save` and HTML forms send them. */
export const SeedFormSchema = z
  .object({ itemtitle: itemText("title"), itemtext: itemText("body") })
  .transform(({ itemtitle, itemtext }) => ({ title: itemtitle, body: itemtext }));

export const IdempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .regex(
      new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_CHARS}}$`),
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_CHARS} visible ASCII characters`,
    )
    .optional(),
});

export const ListQuerySchema = z.object({
  before: z.string().min(1).max(100).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(PAGE_MAX_LIMIT, `limit must be at most ${PAGE_MAX_LIMIT}`)
    .default(PAGE_DEFAULT_LIMIT),
});

export const SocketQuerySchema = z
  .object({
    resume: z.string().max(200).optional(),
    last: z
      .string()
      .regex(/^\d{1,15}$/, "last must be a non-negative whole number")
      .transform(Number)
      .optional(),
    attempt: z
      .string()
      .regex(/^[1-9]\d{0,14}$/, "attempt must be a whole number from 1")
      .transform(Number)
      .optional(),
  })
  .refine((query) => query.resume === undefined || query.last !== undefined, {
    message: "resume needs last, the last seq the client applied",
  });

function listTitle() {
  return z
    .string({ error: "title must be a string" })
    .transform(normalizeItemText)
    .superRefine((value, ctx) => {
      const problem = problemWithListTitle(value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

export const NewListSchema = z.object({ title: listTitle().default(DEFAULT_LIST_TITLE) });

export const ListPatchSchema = z.object({ title: listTitle() });

/** `Authorization: Bearer <key>`; its absence is a 401, told apart from a wrong key (403). */
export const BearerSchema = z.object({
  authorization: z
    .string({ error: "send Authorization: Bearer <owner key>" })
    .regex(/^Bearer [A-Za-z0-9_-]{1,200}$/, "send Authorization: Bearer <owner key>")
    .transform((value) => value.slice("Bearer ".length)),
});
