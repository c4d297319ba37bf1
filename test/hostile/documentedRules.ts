/**
 * Small oracles written from docs/PROTOCOL.md, not from the server's code:
 * the property tests judge the server by these, so a parser or text rule
 * that drifts from the document fails them. Where the document leaves a
 * case open, the oracle says which answers it allows.
 */

/**
 * The document's item text rules (Items): NFC, then trimmed; at least one
 * visible character (a body may instead be empty, or absent); no unpaired surrogate; no control characters but a
 * body's tab, line breaks (LF, CR, U+0085, U+2028, U+2029); no bidi
 * embedding, override or isolate; at most 8 combining marks in a row; 1–200
 * code points and 600 bytes for a title, 5000 and 15 000 for a body.
 */
export function documentedText(field: "title" | "body", raw: string): { ok: true; stored: string } | { ok: false } {
  if (!raw.isWellFormed()) return { ok: false }; // an unpaired UTF-16 surrogate
  const text = raw.normalize("NFC").trim(); // "leading and trailing white space", as the platform defines it
  const [maxChars, maxBytes] = field === "title" ? [200, 600] : [5000, 15_000];
  const chars = [...text];
  if (field === "body" && chars.length === 0) return { ok: true, stored: "" };
  if (chars.length < 1 || chars.length > maxChars) return { ok: false };
  if (new TextEncoder().encode(text).byteLength > maxBytes) return { ok: false };
  const invisible = /[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/u;
  if (chars.every((char) => invisible.test(char))) return { ok: false };
  const bodyBreaks = new Set(["\t", "\n", "\r", "\u0085", "\u2028", "\u2029"]);
  let marksInRow = 0;
  for (const char of chars) {
    if (/[\u202a-\u202e\u2066-\u2069]/u.test(char)) return { ok: false };
    const isBreak = bodyBreaks.has(char);
    if (field === "title" && isBreak) return { ok: false };
    if (/\p{Cc}/u.test(char) && !isBreak) return { ok: false }; // C0, DEL and C1
    marksInRow = /\p{M}/u.test(char) ? marksInRow + 1 : 0;
    if (marksInRow > 8) return { ok: false };
  }
  return { ok: true, stored: text };
}

export type DocumentedSave =
  | { status: 201; title: string; body: string }
  | { status: 400 | 413 | 415; code: string }
  | { status: "unspecified" };

function judgeFields(title: unknown, body: unknown): DocumentedSave {
  if (typeof title !== "string" || (typeof body !== "string" && body !== undefined)) return { status: 400, code: "invalid_input" };
  const [t, b] = [documentedText("title", title), documentedText("body", body ?? "")];
  return t.ok && b.ok ? { status: 201, title: t.stored, body: b.stored } : { status: 400, code: "invalid_input" };
}

/**
 * What `POST /api/items` answers, per the document, to a body sent with this
 * Content-Type (as the request carries it; a string body without one is
 * labelled text/plain by fetch). Text travels as UTF-8, so unpaired
 * surrogates arrive as U+FFFD.
 */
export function documentedSave(contentType: string | null, payload: string): DocumentedSave {
  const wire = payload.toWellFormed();
  if (new TextEncoder().encode(wire).byteLength > 64 * 1024) return { status: 413, code: "payload_too_large" };
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (media === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(wire);
    } catch {
      return { status: 400, code: "invalid_json" };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { status: 400, code: "invalid_input" };
    const fields = value as Record<string, unknown>;
    return judgeFields(Object.hasOwn(fields, "title") ? fields.title : undefined, Object.hasOwn(fields, "body") ? fields.body : undefined);
  }
  if (media === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(wire);
    // The document does not say which of two same-named fields counts.
    if (form.getAll("itemtitle").length > 1 || form.getAll("itemtext").length > 1) return { status: "unspecified" };
    return judgeFields(form.get("itemtitle") ?? undefined, form.get("itemtext") ?? undefined);
  }
  if (media === "multipart/form-data") {
    // Without a boundary nothing in the body can be read as fields.
    if (!/;\s*boundary=/i.test(contentType ?? "")) return { status: 400, code: "invalid_input" };
    return { status: "unspecified" };
  }
  return { status: 415, code: "unsupported_media_type" };
}

export type DocumentedReply = "pong" | "nothing" | "invalid_frame" | "unknown_frame_type" | "ack_out_of_range";

/**
 * What the server answers to a text frame (WebSocket: Client → server, and
 * Errors) on a connection whose newest seq is `lastSeq`: the replies it may
 * give. Text travels as UTF-8, so unpaired surrogates arrive as U+FFFD.
 */
export function documentedReply(sent: string, lastSeq: number): DocumentedReply[] {
  let value: unknown;
  try {
    value = JSON.parse(sent.toWellFormed());
  } catch {
    return ["invalid_frame"];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return ["invalid_frame"];
  const frame = value as Record<string, unknown>;
  const type = Object.hasOwn(frame, "type") ? frame.type : undefined;
  if (typeof type !== "string") return ["invalid_frame"];
  if (type === "ping") return ["pong"];
  if (type !== "ack") return ["unknown_frame_type"];
  const seq = Object.hasOwn(frame, "seq") ? frame.seq : undefined;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) return ["invalid_frame"];
  // An integer JSON cannot carry exactly: the document does not say which error.
  if (seq > Number.MAX_SAFE_INTEGER) return ["invalid_frame", "ack_out_of_range"];
  return seq > lastSeq ? ["ack_out_of_range"] : ["nothing"];
}

/**
 * Whether a `Listroom-Writer` value names a writer (Editing and removing
 * items): 8–64 characters of `A-Z a-z 0-9 _ -`. The value is read as HTTP
 * delivers it, white space around it stripped.
 */
export function documentedWriter(value: string): boolean {
  return /^[A-Za-z0-9_-]{8,64}$/.test(value.trim());
}

/** An `If-Match` value (Editing): the version in double quotes, `W/` before it allowed, or `*` (as none); null when malformed. */
export function documentedIfMatch(value: string): { version: number | null } | null {
  const text = value.trim();
  if (text === "*") return { version: null };
  const match = /^(W\/)?"([1-9]\d{0,14})"$/.exec(text);
  return match ? { version: Number(match[2]) } : null;
}

type Field = "title" | "body" | "done";

/**
 * One item as the document says the server keeps it (Editing: "How changes
 * merge"), for the property tests to judge each answer by: its fields, its
 * version, and for each field the version at which it last changed and the
 * writer of that change (null: none named, which matches nobody).
 */
export class DocumentedItem {
  version = 1;
  readonly values: Record<Field, string | boolean>;
  private readonly changedAt: Record<Field, { version: number; writer: string | null }>;

  constructor(title: string, body: string, writer: string | null) {
    this.values = { title, body, done: false };
    this.changedAt = { title: { version: 1, writer }, body: { version: 1, writer }, done: { version: 1, writer } };
  }

  /** What a `PATCH` of `patch` by `writer` on `expected` (null: no If-Match) gets: 200 (changed or not), or 412 with the fields. */
  change(patch: Partial<Record<Field, string | boolean>>, expected: number | null, writer: string | null): { status: 200 } | { status: 412; fields: Field[] } {
    const fields = (["title", "body", "done"] as const).filter((field) => patch[field] !== undefined && patch[field] !== this.values[field]);
    if (fields.length === 0) return { status: 200 };
    const collided = fields.filter((field) => {
      const last = this.changedAt[field];
      return expected !== null && last.version > expected && (writer === null || last.writer !== writer);
    });
    if (collided.length > 0) return { status: 412, fields: collided };
    this.version += 1;
    for (const field of fields) {
      this.values[field] = patch[field]!;
      this.changedAt[field] = { version: this.version, writer };
    }
    return { status: 200 };
  }
}
