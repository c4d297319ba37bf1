/**
 * The per-address limits the Worker checks before the room (see guard.ts):
 * which Rate Limiting binding counts each, and that binding's window, from
 * the one table of them (src/config/rateLimits.ts, which test/config checks
 * against wrangler.toml). The window is what `Retry-After` says, since the
 * binding's windows are fixed and it does not tell how much is left.
 */
import { RATE_LIMITS, type RateLimitName } from "../config/rateLimits";

function addressLimit<Binding extends RateLimitName>(binding: Binding, what: string) {
  return { binding, periodSeconds: RATE_LIMITS[binding].periodSeconds, what };
}

export const AddressLimit = {
  read: addressLimit("READ_LIMITER", "reads"),
  connect: addressLimit("CONNECT_LIMITER", "connection attempts"),
  save: addressLimit("SAVE_LIMITER", "saves"),
  tick: addressLimit("TICK_LIMITER", "ticks"),
} as const;
export type AddressLimit = keyof typeof AddressLimit;
