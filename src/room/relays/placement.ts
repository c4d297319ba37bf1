/**
 * Where a fresh arrival at a list goes: the list's own object until it holds
 * `relayAfter` sockets, then the first relay with room, each taking up to
 * `capacity` before the next. Relays are numbered from 0, so a crowd fills
 * relay 0, then 1, and arrivals after a crowd thins refill the lowest first.
 *
 * @example
 * placeArrival(1_000, [1_000, 3], { relayAfter: 1_000, capacity: 1_000 }) // 1
 * placeArrival(999, [], { relayAfter: 1_000, capacity: 1_000 })          // "here"
 */
import { MAX_RELAYS } from "../../shared/relays";

export interface PlacementRule {
  relayAfter: number;
  capacity: number;
}

/** `relayLoads[n]` is how many sockets relay n holds (or is about to); a missing entry is an empty relay. */
export function placeArrival(ownCount: number, relayLoads: readonly number[], rule: PlacementRule): "here" | number {
  if (ownCount < rule.relayAfter) return "here";
  for (let relay = 0; relay < MAX_RELAYS - 1; relay++) {
    if ((relayLoads[relay] ?? 0) < rule.capacity) return relay;
  }
  // Every relay full: the last one takes the overflow rather than anyone being refused.
  return MAX_RELAYS - 1;
}
