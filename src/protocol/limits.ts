/**
 * Numbers both sides of the wire agree on. The server enforces them; the page
 * shows them to people before they hit them. Change one here and both follow.
 */

export const TITLE_MAX_CHARS = 200;
export const BODY_MAX_CHARS = 5000;
/**
 * UTF-8 bytes: three per character, so a full-length text in any script of
 * the Basic Multilingual Plane fits, while text of 4-byte characters alone
 * (most emoji) holds three quarters as many.
 */
export const TITLE_MAX_BYTES = TITLE_MAX_CHARS * 3;
export const BODY_MAX_BYTES = BODY_MAX_CHARS * 3;

/** Items per `GET /api/items` page and per snapshot frame, at most; {@link FRAME_MAX_BYTES} may cut a page shorter. */
export const PAGE_DEFAULT_LIMIT = 200;
export const PAGE_MAX_LIMIT = 200;

/** No frame the server sends, and no page of items over HTTP, is larger than this (UTF-8 bytes). */
export const FRAME_MAX_BYTES = 64 * 1024;
/** Room left in {@link FRAME_MAX_BYTES} for what wraps a page's items (frame fields, `nextBefore`). */
export const PAGE_ENVELOPE_BYTES = 256;
/** What the items of one page may take, as a JSON array, so the page fits a frame. */
export const PAGE_ITEMS_MAX_BYTES = FRAME_MAX_BYTES - PAGE_ENVELOPE_BYTES;

/**
 * The default send window: how much a connection may have sent but not yet
 * acknowledged. The welcome announces the window in force.
 */
export const SEND_WINDOW_FRAMES = 32;
export const SEND_WINDOW_BYTES = 128 * 1024;

/** A resume further behind than this many frames gets a fresh snapshot instead of a replay. */
export const REPLAY_MAX_FRAMES = 256;

/** A client frame larger than this closes the connection with {@link CloseCode.MessageTooBig}. */
export const CLIENT_FRAME_MAX_BYTES = 16 * 1024;

/** Request bodies for `POST /api/items` and `POST /save`. */
export const REQUEST_BODY_MAX_BYTES = 64 * 1024;

/**
 * An Idempotency-Key is 16 to 200 URL-safe characters (`A-Z a-z 0-9 - . _ ~`):
 * a repeat with it hands out the item's edit key, so it must be too long to guess.
 */
export const IDEMPOTENCY_KEY_MIN_CHARS = 16;
export const IDEMPOTENCY_KEY_MAX_CHARS = 200;

/** The first sequenced frame on a fresh connection (its snapshot) carries this seq. */
export const FIRST_SEQ = 1;

export const CloseCode = {
  /** RFC 6455 going away: the list was deleted (created and never written to for 30 days). */
  GoingAway: 1001,
  /** RFC 6455 policy violation: the client kept flooding after being told to slow down. */
  PolicyViolation: 1008,
  /** RFC 6455: the frame was larger than {@link CLIENT_FRAME_MAX_BYTES}. */
  MessageTooBig: 1009,
  /** A sequenced frame went unacknowledged after every attempt; the client is forgotten. */
  AckTimeout: 4008,
  /** The same client resumed on a newer connection attempt; this one (or this late attempt) is obsolete. */
  Superseded: 4009,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Path of the WebSocket endpoint and its query parameters. */
export const SOCKET_PATH = "/ws";
export const RESUME_TOKEN_PARAM = "resume";
export const LAST_SEQ_PARAM = "last";
/** Which connection attempt of the session this is, counted by the client from 1 upward. */
export const ATTEMPT_PARAM = "attempt";
/**
 * A random id the page keeps per browser (in localStorage, for nothing else),
 * so that the head count counts browsers, not tabs. Sockets without it count
 * one each.
 */
export const BROWSER_PARAM = "browser";
/** What a browser id may be: URL-safe, 8 to 64 characters. */
export const BROWSER_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** The header that carries the client's address (set by Cloudflare at the edge). */
export const CLIENT_ADDRESS_HEADER = "cf-connecting-ip";
