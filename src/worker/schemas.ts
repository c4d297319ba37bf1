/**
 * One schema per HTTP input, in valibot: its schemas and checks are plain
 * functions, so the Worker carries only the ones used here rather than a
 * validator's whole core (the Worker has a size budget: tools/workerSize.mjs).
 * Item text rules come from the protocol module (src/protocol/text.ts), so
 * the page and the server cannot disagree about them. Where no message is
 * given, the answer says "Invalid input" (validation.ts).
 */
import * as v from "valibot";
import type { ItemPatch } from "../protocol/item";
import { charCount, FIELD_LABELS, normalizeItemText, problemWithField, type ItemField } from "../protocol/text";
import { DEFAULT_LIST_TITLE, problemWithListTitle } from "../protocol/lists";
import { problemWithSearchQuery, SEARCH_PARAM } from "../protocol/search";
import { BROWSER_ID_PATTERN, IDEMPOTENCY_KEY_MAX_CHARS, IDEMPOTENCY_KEY_MIN_CHARS, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from "../protocol/limits";

/**
 * A field that must be sent: a missing one is judged as if it were sent as
 * null, so it gets the field's own message ("Title must be a string") rather
 * than one about a missing key.
 */
function required<Schema extends v.GenericSchema<unknown, unknown>>(schema: Schema) {
  return v.optional(schema, null);
}

/** A JSON body's fields: an object, not an array (which `v.object` alone would take) nor anything else. */
function jsonFields<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.pipe(
    v.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value)),
    v.object(entries),
  );
}

/** A string that `problemOf` finds nothing wrong with; its message is the problem. */
function judged(problemOf: (value: string) => string | null) {
  return v.rawCheck<string>(({ dataset, addIssue }) => {
    const problem = dataset.typed ? problemOf(dataset.value) : null;
    if (problem !== null) addIssue({ message: problem });
  });
}

/** Text normalised as stored, then judged by `problemOf`. */
function text(typeError: string, problemOf: (value: string) => string | null) {
  return v.pipe(v.string(typeError), v.transform(normalizeItemText), judged(problemOf));
}

function itemText(field: ItemField) {
  return text(`${FIELD_LABELS[field]} must be a string`, (value) => problemWithField(field, value));
}

/** Main Text is optional: absent, it is empty, as an empty field would be. */
const optionalBody = () => v.optional(itemText("body"), "");

/** At most `max` characters, counted as people count them (code points, as protocol/text.ts does). */
const maxChars = (max: number) => v.check((value: string) => charCount(value) <= max);

/** A whole number sent as text (a query parameter), read as a number. */
function wholeNumberText(pattern: RegExp, message: string) {
  return v.optional(v.pipe(v.string(), v.regex(pattern, message), v.transform(Number)));
}

export const NewItemSchema = jsonFields({
  title: required(itemText("title")),
  body: optionalBody(),
});

/** The fields a change sent as a typed {@link ItemPatch}, or null when it sent none. */
function patchOf({ title, body, done }: { title?: string; body?: string; done?: boolean }): ItemPatch | null {
  if (title !== undefined) return { title, body, done };
  if (body !== undefined) return { body, done };
  if (done !== undefined) return { done };
  return null;
}

export const ItemPatchSchema = v.pipe(
  jsonFields({
    title: v.optional(itemText("title")),
    body: v.optional(itemText("body")),
    done: v.optional(v.boolean("done must be true or false")),
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const patch = patchOf(dataset.value);
    if (patch === null) addIssue({ message: "send title, body, done, or more than one of them" });
    return patch ?? NEVER;
  }),
);

/**
 * `Listroom-Writer: <browser id>` (WRITER_HEADER): who makes a save or change,
 * for what counts as another writer's change (src/protocol/fieldMerge.ts);
 * absent, nobody. One field, in every schema of a request that writes an item.
 */
const writerHeader = {
  "listroom-writer": v.optional(
    v.pipe(v.string(), v.regex(BROWSER_ID_PATTERN, "Listroom-Writer must be 8 to 64 characters of A-Z a-z 0-9 _ -")),
  ),
};

/**
 * A change's headers: `If-Match: "N"` (or `W/"N"`, or `*` for any version),
 * the version the change was made on (absent, any), and its writer.
 */
export const ChangeHeadersSchema = v.object({
  ...writerHeader,
  "if-match": v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(\*|(W\/)?"[1-9]\d{0,14}")$/, 'If-Match must be the item\'s version in quotes, like "3"'),
      v.transform((value) => (value === "*" ? null : Number(value.replace(/^(W\/)?"|"$/g, "")))),
    ),
  ),
});

/** The seed's form fields, as `POST /save` and HTML forms send them. */
export const SeedFormSchema = v.pipe(
  v.object({ itemtitle: required(itemText("title")), itemtext: optionalBody() }),
  v.transform(({ itemtitle, itemtext }) => ({ title: itemtitle, body: itemtext })),
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
export const SaveHeadersSchema = v.object({
  ...writerHeader,
  "idempotency-key": v.optional(v.pipe(v.string(), judged(problemWithIdempotencyKey))),
});

/**
 * A page's size, sent as text: a number (else only that is said), whole, and
 * in range. `v.custom` is a schema, so its failure ends the pipe, where a
 * failed action lets the later ones add theirs.
 */
const pageLimit = v.pipe(
  v.unknown(),
  v.transform(Number),
  v.custom<number>(Number.isFinite, "limit must be a number"),
  v.custom<number>(Number.isInteger, "limit must be a whole number"),
  v.safeInteger("limit must be a whole number"),
  v.minValue(1, "limit must be at least 1"),
  v.maxValue(PAGE_MAX_LIMIT, `limit must be at most ${PAGE_MAX_LIMIT}`),
);

export const ListQuerySchema = v.object({
  before: v.optional(v.pipe(v.string(), v.minLength(1), maxChars(100))),
  /** A search (src/protocol/search.ts); absent, the page is of every item. */
  [SEARCH_PARAM]: v.optional(v.pipe(v.string(), judged(problemWithSearchQuery))),
  limit: v.optional(pageLimit, PAGE_DEFAULT_LIMIT),
});

export const SocketQuerySchema = v.pipe(
  v.object({
    resume: v.optional(v.pipe(v.string(), maxChars(200))),
    last: wholeNumberText(/^\d{1,15}$/, "last must be a non-negative whole number"),
    attempt: wholeNumberText(/^[1-9]\d{0,14}$/, "attempt must be a whole number from 1"),
    browser: v.optional(v.pipe(v.string(), v.regex(BROWSER_ID_PATTERN, "browser must be 8 to 64 characters of A-Z a-z 0-9 _ -"))),
  }),
  // Judged unless a parameter is not even a string (sent twice, say): a
  // malformed `last` still counts as sent.
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.issues?.some((issue) => issue.kind === "schema")) return;
    const query = dataset.value;
    if (typeof query === "object" && query !== null && "resume" in query && !("last" in query)) {
      addIssue({ message: "resume needs last, the last seq the client applied" });
    }
  }),
);

function listTitle() {
  return text("title must be a string", problemWithListTitle);
}

export const NewListSchema = jsonFields({ title: v.optional(listTitle(), DEFAULT_LIST_TITLE) });

export const ListPatchSchema = jsonFields({ title: required(listTitle()) });

/** `Authorization: Bearer <key>`; its absence is a 401, told apart from a wrong key (403). */
function bearer(keyName: string) {
  const message = `send Authorization: Bearer <${keyName}>`;
  return v.object({
    authorization: required(
      v.pipe(
        v.string(message),
        v.regex(/^Bearer [A-Za-z0-9_-]{1,200}$/, message),
        v.transform((value) => value.slice("Bearer ".length)),
      ),
    ),
  });
}

export const BearerSchema = bearer("owner key");
export const ItemBearerSchema = bearer("edit key or owner key");
