/**
 * One schema per HTTP input, in zod's tree-shakable `zod/mini` form so the
 * Worker bundle carries only the validators it uses. Item text rules come
 * from the protocol module (src/protocol/text.ts), so the page and the server
 * cannot disagree about them.
 */
import * as z from "zod/mini";
import type { ItemPatch } from "../protocol/item";
import { FIELD_LABELS, normalizeItemText, problemWithField, type ItemField } from "../protocol/text";
import { DEFAULT_LIST_TITLE, problemWithListTitle } from "../protocol/lists";
import { problemWithSearchQuery, SEARCH_PARAM } from "../protocol/search";
import { BROWSER_ID_PATTERN, IDEMPOTENCY_KEY_MAX_CHARS, IDEMPOTENCY_KEY_MIN_CHARS, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from "../protocol/limits";

/** Text normalised as stored, then judged by `problemOf`. */
function text(typeError: string, problemOf: (value: string) => string | null) {
  return z.pipe(
    z.pipe(z.string({ error: typeError }), z.transform(normalizeItemText)),
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = problemOf(value);
        if (problem !== null) ctx.issues.push({ code: "custom", message: problem, input: value });
      }),
    ),
  );
}

function itemText(field: ItemField) {
  return text(`${FIELD_LABELS[field]} must be a string`, (value) => problemWithField(field, value));
}

/** Main Text is optional: absent, it is empty, as an empty field would be. */
const optionalBody = () => z._default(itemText("body"), "");

/** A whole number sent as text (a query parameter), read as a number. */
function wholeNumberText(pattern: RegExp, message: string) {
  return z.optional(z.pipe(z.string().check(z.regex(pattern, message)), z.transform(Number)));
}

export const NewItemSchema = z.object({
  title: itemText("title"),
  body: optionalBody(),
});

/** The fields a change sent as a typed {@link ItemPatch}, or null when it sent none. */
function patchOf({ title, body, done }: { title?: string; body?: string; done?: boolean }): ItemPatch | null {
  if (title !== undefined) return { title, body, done };
  if (body !== undefined) return { body, done };
  if (done !== undefined) return { done };
  return null;
}

export const ItemPatchSchema = z.pipe(
  z.object({
    title: z.optional(itemText("title")),
    body: z.optional(itemText("body")),
    done: z.optional(z.boolean({ error: "done must be true or false" })),
  }),
  z.transform((fields, ctx) => {
    const patch = patchOf(fields);
    if (patch === null) ctx.issues.push({ code: "custom", message: "send title, body, done, or more than one of them", input: fields });
    return patch ?? z.NEVER;
  }),
);

/**
 * `Listroom-Writer: <browser id>` (WRITER_HEADER): who makes a save or change,
 * for what counts as another writer's change (src/protocol/fieldMerge.ts);
 * absent, nobody. One field, in every schema of a request that writes an item.
 */
const writerHeader = {
  "listroom-writer": z.optional(
    z.string().check(z.regex(BROWSER_ID_PATTERN, "Listroom-Writer must be 8 to 64 characters of A-Z a-z 0-9 _ -")),
  ),
};

/**
 * A change's headers: `If-Match: "N"` (or `W/"N"`, or `*` for any version),
 * the version the change was made on (absent, any), and its writer.
 */
export const ChangeHeadersSchema = z.object({
  ...writerHeader,
  "if-match": z.optional(
    z.pipe(
      z
        .string()
        .check(z.regex(/^(\*|(W\/)?"[1-9]\d{0,14}")$/, 'If-Match must be the item\'s version in quotes, like "3"')),
      z.transform((value: string) => (value === "*" ? null : Number(value.replace(/^(W\/)?"|"$/g, "")))),
    ),
  ),
});

/** The seed's form fields, as `POST /save` and HTML forms send them. */
export const SeedFormSchema = z.pipe(
  z.object({ itemtitle: itemText("title"), itemtext: optionalBody() }),
  z.transform(({ itemtitle, itemtext }) => ({ title: itemtitle, body: itemtext })),
);

const IDEMPOTENCY_KEY_ALPHABET = /^[A-Za-z0-9._~-]*$/;

/**
 * Why an Idempotency-Key cannot be used, or null. A repeat with the key is
 * answered with the item's edit key, so the key is a secret as long as that
 * one: too short to be random is refused, not stored.
 */
function problemWithIdempotencyKey(key: string): string | null {
  const why = "(a repeat with it is answered with the item's edit key, so it must be random; a UUID qualifies)";
  if (!IDEMPOTENCY_KEY_ALPHABET.test(key)) {
    return `Idempotency-Key may hold only the URL-safe characters A-Z a-z 0-9 - . _ ~ ${why}`;
  }
  if (key.length < IDEMPOTENCY_KEY_MIN_CHARS) {
    const length = `${key.length} character${key.length === 1 ? "" : "s"}`;
    return `Idempotency-Key is ${length}; it must be at least ${IDEMPOTENCY_KEY_MIN_CHARS} ${why}`;
  }
  if (key.length > IDEMPOTENCY_KEY_MAX_CHARS) {
    return `Idempotency-Key is ${key.length} characters; the limit is ${IDEMPOTENCY_KEY_MAX_CHARS}`;
  }
  return null;
}

/** A save's headers: its Idempotency-Key and its writer. */
export const SaveHeadersSchema = z.object({
  ...writerHeader,
  "idempotency-key": z.optional(
    z.string().check(
      z.superRefine((key, ctx) => {
        const problem = problemWithIdempotencyKey(key);
        if (problem !== null) ctx.issues.push({ code: "custom", message: problem, input: key });
      }),
    ),
  ),
});

export const ListQuerySchema = z.object({
  before: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** A search (src/protocol/search.ts); absent, the page is of every item. */
  [SEARCH_PARAM]: z.optional(
    z.string().check(
      z.superRefine((value, ctx) => {
        const problem = problemWithSearchQuery(value);
        if (problem !== null) ctx.issues.push({ code: "custom", message: problem, input: value });
      }),
    ),
  ),
  limit: z._default(
    z.coerce
      .number({ error: "limit must be a number" })
      .check(
        z.int("limit must be a whole number"),
        z.gte(1, "limit must be at least 1"),
        z.lte(PAGE_MAX_LIMIT, `limit must be at most ${PAGE_MAX_LIMIT}`),
      ),
    PAGE_DEFAULT_LIMIT,
  ),
});

export const SocketQuerySchema = z
  .object({
    resume: z.optional(z.string().check(z.maxLength(200))),
    last: wholeNumberText(/^\d{1,15}$/, "last must be a non-negative whole number"),
    attempt: wholeNumberText(/^[1-9]\d{0,14}$/, "attempt must be a whole number from 1"),
    browser: z.optional(z.string().check(z.regex(BROWSER_ID_PATTERN, "browser must be 8 to 64 characters of A-Z a-z 0-9 _ -"))),
  })
  .check(
    z.refine((query) => query.resume === undefined || query.last !== undefined, {
      message: "resume needs last, the last seq the client applied",
    }),
  );

function listTitle() {
  return text("title must be a string", problemWithListTitle);
}

export const NewListSchema = z.object({ title: z._default(listTitle(), DEFAULT_LIST_TITLE) });

export const ListPatchSchema = z.object({ title: listTitle() });

/** `Authorization: Bearer <key>`; its absence is a 401, told apart from a wrong key (403). */
function bearer(keyName: string) {
  const message = `send Authorization: Bearer <${keyName}>`;
  return z.object({
    authorization: z.pipe(
      z.string({ error: message }).check(z.regex(/^Bearer [A-Za-z0-9_-]{1,200}$/, message)),
      z.transform((value: string) => value.slice("Bearer ".length)),
    ),
  });
}

export const BearerSchema = bearer("owner key");
export const ItemBearerSchema = bearer("edit key or owner key");
