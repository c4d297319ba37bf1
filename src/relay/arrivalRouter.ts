/**
 * Where a socket arriving at a list's object is served: a resume goes back to
 * the object holding its session (a relay's token names the relay), a fresh
 * arrival stays until the list holds RELAY_AFTER sockets and then goes to the
 * first relay with room (placement.ts). The Worker asks first (`place`) and
 * upgrades at the relay itself; an upgrade that reaches the list's object
 * anyway (a test calling its stub, or a resume whose token is not a relay's)
 * is sent on to the relay.
 * In production a relay is created where the Worker says the arrival came
 * from (a location hint from request.cf, so its viewers' resumes and acks
 * stay near them); under wrangler dev there is one place.
 */
import { readWholeNumber, type Vars } from "../config/variables";
import { RESUME_TOKEN_PARAM } from "../protocol/limits";
import { LOCATION_HINT_HEADER, parseLocationHint, relayOfToken } from "../shared/relays";
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

  /**
   * Where a fresh arrival goes, counted as sent there: the Worker asks, then
   * upgrades at the relay itself, so a relayed socket never passes through
   * the list's object.
   */
  place(): "here" | number {
    const now = Date.now();
    const place = placeArrival(this.parts.ownCount(), this.parts.feed.loads(now), this.parts.rule);
    if (place !== "here") this.parts.feed.placed(place, now);
    return place;
  }

  /** An upgrade that reached the list's object: served here, or sent on to the relay that should hold it. */
  async route(request: Request): Promise<Response> {
    const token = new URL(request.url).searchParams.get(RESUME_TOKEN_PARAM);
    const holder = token === null ? null : relayOfToken(token);
    const hint = parseLocationHint(request.headers.get(LOCATION_HINT_HEADER));
    if (holder !== null) return this.parts.relay(holder, hint).fetch(request);
    // A resume here while the list has room is served here, whether or not it
    // holds the session (placement would say "here" anyway), so the token is
    // looked up only once, by the resume itself. Past RELAY_AFTER, a resume of
    // a session nobody here holds (forgotten, or another list's) starts afresh
    // wherever placement says, so the list's own object serves no more.
    if (token !== null && (this.parts.ownCount() < this.parts.rule.relayAfter || (await this.parts.holds(token)))) {
      return this.parts.here(request);
    }
    const place = this.place();
    return place === "here" ? this.parts.here(request) : this.parts.relay(place, hint).fetch(request);
  }
}
