/**
 * Every variable the code reads, in one table: its name, default, type and
 * meaning. Vars are strings in `wrangler.toml` (overridable per run with
 * `wrangler dev --var NAME:VALUE`); `OWNER_KEY` is a secret. The readers here
 * turn them into values, and a whole number out of its range throws an error
 * naming the var instead of running with a timer of NaN. wrangler.toml sets
 * each var to the default written here, and docs/CONFIGURATION.md's and
 * docs/PROTOCOL.md's tables are this table rendered (test/config/ checks both).
 *
 * The send window's defaults are the page's too, so they stay in
 * protocol/limits.ts, which the page imports without this table's text.
 */
import { FRAME_MAX_BYTES, SEND_WINDOW_BYTES, SEND_WINDOW_FRAMES } from "../protocol/limits";

const DAY_MS = 86_400_000;

interface WholeNumberVariable {
  type: "whole number";
  default: number;
  min: number;
  max: number;
  meaning: string;
}

/** On or off: only the opposite of the default, spelled out (`"true"` or `"false"`), changes it. */
interface SwitchVariable {
  type: "switch";
  default: boolean;
  meaning: string;
}

interface SecretVariable {
  type: "secret";
  /** What a value may hold. */
  accepts: string;
  meaning: string;
}

export type Variable = WholeNumberVariable | SwitchVariable | SecretVariable;

export const VARIABLES = {
  RESEND_INTERVAL_MS: {
    type: "whole number",
    default: 30_000,
    min: 10,
    max: DAY_MS,
    meaning: "how long an unacknowledged frame waits before it is sent again",
  },
  MAX_SEND_ATTEMPTS: {
    type: "whole number",
    default: 5,
    min: 1,
    max: 100,
    meaning: "sends per frame before the client is dropped (close 4008)",
  },
  RESUME_WINDOW_MS: {
    type: "whole number",
    default: 120_000,
    min: 0,
    max: 30 * DAY_MS,
    meaning: "how long after a disconnect a client may resume its session",
  },
  SEND_WINDOW_FRAMES: {
    type: "whole number",
    default: SEND_WINDOW_FRAMES,
    min: 1,
    max: 10_000,
    meaning: "frames a connection may have sent but unacknowledged; the rest wait for acks",
  },
  SEND_WINDOW_BYTES: {
    type: "whole number",
    default: SEND_WINDOW_BYTES,
    // At least one frame's worth, so a window is never smaller than what must fit in it.
    min: FRAME_MAX_BYTES,
    max: 1 << 30,
    meaning: "bytes a connection may have sent but unacknowledged",
  },
  FRAMES_PER_SECOND: {
    type: "whole number",
    default: 20,
    min: 1,
    max: 10_000,
    meaning: "client frames a connection may send per second (bursts of 3 s worth); floods get an error frame, then close 1008",
  },
  CONNECTIONS_PER_ADDRESS: {
    type: "whole number",
    default: 100,
    min: 1,
    max: 1_000_000,
    meaning: "open sockets per client address (an IPv6 client counts as its /64)",
  },
  LIST_SAVES_PER_MINUTE: {
    type: "whole number",
    default: 600,
    min: 1,
    max: 1_000_000,
    meaning: "saves per minute to the whole list from all addresses together (bursts of 10 s worth; one address group may use a quarter of it, and the last quarter is kept for groups that have not saved lately); more get `429` with `Retry-After`",
  },
  LIST_MAX_ITEMS: {
    type: "whole number",
    default: 5_000,
    min: 1,
    max: 1_000_000,
    meaning: "items one list may hold (removed ones not counted); a save past it gets `409 list_full`",
  },
  LIST_MAX_BYTES: {
    type: "whole number",
    default: 20_000_000,
    min: 1_000,
    max: 1_000_000_000,
    meaning: "bytes of item text (titles and bodies, UTF-8) one list may hold; a save or edit past it gets `409 list_full`",
  },
  LISTS_PER_HOUR: {
    type: "whole number",
    default: 20,
    min: 1,
    max: 10_000,
    meaning: "lists one client address may create in any hour; more get `429` with `Retry-After`",
  },
  RESUME_TOKEN_GRACE_MS: {
    type: "whole number",
    default: 30_000,
    min: 0,
    max: DAY_MS,
    meaning: "how long a replaced resume token still resumes after its successor was issued (unless the successor is used first)",
  },
  PRESENCE_INTERVAL_MS: {
    type: "whole number",
    default: 2_000,
    min: 10,
    max: DAY_MS,
    meaning: 'the head count ("3 here") goes out at most this often per list; changes in between are coalesced',
  },
  RELAY_AFTER: {
    type: "whole number",
    default: 1_000,
    min: 0,
    max: 32_768,
    meaning: "sockets a list's own object serves before later arrivals go to relays (`0` sends everyone to relays)",
  },
  RELAY_CAPACITY: {
    type: "whole number",
    // The most one object served here with p99 to the last viewer within 250 ms at one save a second (docs/SCALING.md).
    default: 5_000,
    min: 1,
    max: 32_768,
    meaning: "sockets one relay takes before the next relay of the list is used",
  },
  EXEMPT_LOOPBACK: {
    type: "switch",
    default: true,
    meaning: "loopback clients (local development, tests, tools) skip the per-address limits; set `false` when self-hosting",
  },
  EXPOSE_USAGE: {
    type: "switch",
    default: false,
    meaning: "`true` serves `GET /api/usage`, the room's billable-work counters, for benchmarks",
  },
  OWNER_KEY: {
    type: "secret",
    accepts: "what `Authorization: Bearer` can carry: `[A-Za-z0-9_-]`, up to 200",
    meaning: "the default list's owner key (`wrangler secret put OWNER_KEY`); unset, the default list has no owner",
  },
  LIST_ID_SECRET: {
    type: "secret",
    accepts: "any non-empty value; at least 256 random bits, set once and never changed",
    meaning: "the key of the MAC that seals list ids (`wrangler secret put LIST_ID_SECRET`); unset, ids are not sealed",
  },
  ACCEPT_UNSEALED_LIST_IDS: {
    type: "switch",
    default: false,
    meaning: "`true` keeps lists made before `LIST_ID_SECRET` was set (their ids carry no seal) reachable",
  },
} as const satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;
type NameOf<Type extends Variable["type"]> = {
  [Name in VariableName]: (typeof VARIABLES)[Name]["type"] extends Type ? Name : never;
}[VariableName];
export type WholeNumberName = NameOf<"whole number">;
export type SwitchName = NameOf<"switch">;

/** The variables as the Worker and its objects receive them: strings, any of them possibly unset. */
export type Vars<Name extends VariableName = VariableName> = { [Key in Name]?: string };

/**
 * A whole-number var; unset or empty is its default, anything outside its range throws naming it.
 *
 * @example
 * readWholeNumber("MAX_SEND_ATTEMPTS", {})                           // 5
 * readWholeNumber("MAX_SEND_ATTEMPTS", { MAX_SEND_ATTEMPTS: "0" })   // throws "MAX_SEND_ATTEMPTS must be a whole number from 1 to 100, not \"0\""
 */
export function readWholeNumber(name: WholeNumberName, vars: Vars): number {
  const variable = VARIABLES[name];
  const raw = vars[name];
  if (raw === undefined || raw === "") return variable.default;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < variable.min || value > variable.max) {
    throw new Error(`${name} must be a whole number from ${variable.min} to ${variable.max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A switch: its default unless set to the opposite, spelled `"true"` or `"false"`. */
export function readSwitch(name: SwitchName, vars: Vars): boolean {
  const on = VARIABLES[name].default;
  return on ? vars[name] !== "false" : vars[name] === "true";
}
