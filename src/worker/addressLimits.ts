/**
 * The per-address limits the Worker checks before the room (see guard.ts):
 * which Rate Limiting binding counts each, and that binding's window as
 * configured in wrangler.toml. The window is what `Retry-After` says, since
 * the binding's windows are fixed and it does not tell how much is left.
 * A test (test/e2e/limits.test.ts) checks the periods against wrangler.toml.
 */
export const AddressLimit = {
  read: { binding: "READ_LIMITER", periodSeconds: 10, what: "reads" },
  connect: { binding: "CONNECT_LIMITER", periodSeconds: 10, what: "connection attempts" },
  save: { binding: "SAVE_LIMITER", periodSeconds: 60, what: "saves" },
} as const satisfies Record<string, { binding: string; periodSeconds: 10 | 60; what: string }>;
export type AddressLimit = keyof typeof AddressLimit;
