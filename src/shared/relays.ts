/**
 * How a list's relays are named and how a session on one is found again.
 * Relay `n` of a list is the object named `{listId}/relay/{n}`. A session a
 * relay holds has a resume token `{n}.{token}`, so a resume goes straight
 * back to the object holding it, also after either object restarts, without
 * asking the list's object; tokens stay opaque to clients (docs/PROTOCOL.md).
 */
import { isWellFormedToken, newToken } from "./tokens";

/** More relays than any list needs (each holds up to RELAY_CAPACITY sockets); a token naming a higher one is not a relay's. */
export const MAX_RELAYS = 4_096;

const RELAY_TOKEN_PATTERN = /^(0|[1-9][0-9]{0,3})\.(.+)$/;

export function relayName(listId: string, relay: number): string {
  return `${listId}/relay/${relay}`;
}

/** The list and relay number an object's name says, or null for a name that is not a relay's. */
export function parseRelayName(name: string): { listId: string; relay: number } | null {
  const match = /^(.+)\/relay\/(0|[1-9][0-9]{0,3})$/.exec(name);
  if (!match) return null;
  const relay = Number(match[2]);
  return relay < MAX_RELAYS ? { listId: match[1]!, relay } : null;
}

/** A fresh resume token for a session on relay `relay`. */
export function newRelayToken(relay: number): string {
  return `${relay}.${newToken()}`;
}

/** Which relay a resume token's session is on, or null when it is not a relay's token. */
export function relayOfToken(token: string): number | null {
  const match = RELAY_TOKEN_PATTERN.exec(token);
  if (!match || !isWellFormedToken(match[2]!)) return null;
  const relay = Number(match[1]);
  return relay < MAX_RELAYS ? relay : null;
}

/**
 * The header in which the Worker hands the list's object where a socket comes
 * from, so a relay it creates for that socket starts near it. The Worker sets
 * or removes it on every upgrade it forwards, so a client cannot choose it.
 */
export const LOCATION_HINT_HEADER = "x-listroom-location-hint";

const HINT_BY_CONTINENT: Record<string, DurableObjectLocationHint> = {
  NA: "enam",
  SA: "sam",
  EU: "weur",
  AS: "apac",
  OC: "oc",
  AF: "afr",
};

/** The Durable Object location hint for a request from `continent` (request.cf), if there is one. */
export function locationHintFor(continent: string | undefined): DurableObjectLocationHint | null {
  return continent === undefined ? null : (HINT_BY_CONTINENT[continent] ?? null);
}

/** A location hint read back from {@link LOCATION_HINT_HEADER}, if it is one. */
export function parseLocationHint(value: string | null): DurableObjectLocationHint | null {
  return Object.values(HINT_BY_CONTINENT).find((hint) => hint === value) ?? null;
}

/**
 * An arrival is one call into the list's object: the Worker forwards the
 * upgrade with this header, and the list's object either accepts the socket
 * itself or answers {@link PLACED_STATUS} naming the relay in
 * {@link PLACED_RELAY_HEADER}, without upgrading; the Worker then forwards
 * the same upgrade to that relay. The Worker sets the header on every upgrade
 * it forwards to a list and removes it from every other, so what a client
 * sends under that name never reaches an object. Without it (a test calling
 * the list's stub), the list's object sends the upgrade on to the relay.
 */
export const RELAY_PLACEMENT_HEADER = "x-listroom-relay-placement";
/** The one value of {@link RELAY_PLACEMENT_HEADER}: answer a relay's arrival with a redirect. */
export const PLACEMENT_BY_REDIRECT = "redirect";
export const PLACED_STATUS = 307;
export const PLACED_RELAY_HEADER = "x-listroom-relay";

/** The list's object's answer placing an arrival on relay `relay`. */
export function placedOn(relay: number): Response {
  return new Response(null, { status: PLACED_STATUS, headers: { [PLACED_RELAY_HEADER]: String(relay) } });
}

/** The relay a list's answer places the arrival on, or null when the answer is the list's own (a 101 or a refusal). */
export function placedRelayOf(answer: Response): number | null {
  if (answer.status !== PLACED_STATUS) return null;
  const value = answer.headers.get(PLACED_RELAY_HEADER) ?? "";
  const relay = /^(0|[1-9][0-9]{0,3})$/.test(value) ? Number(value) : MAX_RELAYS;
  if (relay >= MAX_RELAYS) throw new Error(`the list placed an arrival on relay ${JSON.stringify(value)}`);
  return relay;
}
