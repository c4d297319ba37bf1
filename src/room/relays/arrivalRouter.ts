/**
 * Where a socket arriving at a list's object is served: a resume goes back to
 * the object holding its session (a relay's token names the relay), a fresh
 * arrival stays until the list holds RELAY_AFTER sockets and then goes to the
 * first relay with room (placement.ts). An arrival is one call into the
 * list's object: the Worker forwards the upgrade asking for placement
 * (RELAY_PLACEMENT_HEADER, src/shared/relays.ts), and an arrival that goes to
 * a relay is answered with a 307 naming it, not upgraded, so the Worker
 * upgrades at the relay itself and a relayed socket never passes through the
 * list's object. An upgrade without that header (a test calling the list's
 * stub) is sent on to the relay from here.
 * In production a relay is created where the Worker says the arrival came
 * from (a location hint from request.cf, so its viewers' resumes and acks
 * stay near them); under wrangler dev there is one place.
 */
import { readWholeNumber, type Vars } from "../../config/variables";
import { RESUME_TOKEN_PARAM } from "../../protocol/limits";
import {
  LOCATION_HINT_HEADER,
  parseLocationHint,
  PLACEMENT_BY_REDIRECT,
  placedOn,
  RELAY_PLACEMENT_HEADER,
  relayOfToken,
} from "../../shared/relays";
import { placeArrival, type PlacementRule } from "./placement";

export type RelayVars = Vars<"RELAY_AFTER" | "RELAY_CAPACITY">;

export function readPlacementRule(vars: RelayVars): PlacementRule {
  return { relayAfter: readWholeNumber("RELAY_AFTER", vars), capacity: readWholeNumber("RELAY_CAPACITY", vars) };
}

export interface ArrivalParts {
  rule: PlacementRule;
  /** Sockets open on the list's own object. */
  ownCount: () => number;
  feed: { loads(now: number): number[]; placed(relay: number, now: number): void };
  /** Relay `index`'s stub; a hint says where to create it, if it is new (ignored for one that exists). */
  relay: (index: number, hint: DurableObjectLocationHint | null) => { fetch(request: Request): Promise<Response> };
  /** Serves the socket on the list's own object. */
  here: (request: Request) => Promise<Response>;
  /** Whether a session on the list's own object has this resume token. */
  holds: (token: string) => Promise<boolean>;
}

export class ArrivalRouter {
  constructor(private readonly parts: ArrivalParts) {}

  /** Where a fresh arrival goes, counted as sent there until the relay's counts show it (relayFeed.ts). */
  private place(): "here" | number {
    const now = Date.now();
    const place = placeArrival(this.parts.ownCount(), this.parts.feed.loads(now), this.parts.rule);
    if (place !== "here") this.parts.feed.placed(place, now);
    return place;
  }

  /** An upgrade at the list's object: served here, or placed on the relay that should hold it. */
  async route(request: Request): Promise<Response> {
    const token = new URL(request.url).searchParams.get(RESUME_TOKEN_PARAM);
    const place = await this.destination(token);
    if (place === "here") return this.parts.here(request);
    if (request.headers.get(RELAY_PLACEMENT_HEADER) === PLACEMENT_BY_REDIRECT) return placedOn(place);
    return this.parts.relay(place, parseLocationHint(request.headers.get(LOCATION_HINT_HEADER))).fetch(request);
  }

  private async destination(token: string | null): Promise<"here" | number> {
    const holder = token === null ? null : relayOfToken(token);
    if (holder !== null) return holder;
    // A resume here while the list has room is served here, whether or not it
    // holds the session (placement would say "here" anyway), so the token is
    // looked up only once, by the resume itself. Past RELAY_AFTER, a resume of
    // a session nobody here holds (forgotten, or another list's) starts afresh
    // wherever placement says, so the list's own object serves no more.
    if (token !== null && (this.parts.ownCount() < this.parts.rule.relayAfter || (await this.parts.holds(token)))) return "here";
    return this.place();
  }
}
