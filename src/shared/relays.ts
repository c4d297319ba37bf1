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
