/**
 * The app as the e2e and browser tests run it: under `wrangler dev` through
 * tools/harness, with delivery tuned so that resends take a fraction of a
 * second.
 */
import { startWranglerDev, type WranglerDev, type WranglerDevOptions } from "../../tools/harness/wranglerDev";

/** Delivery tuning the tests rely on: resends every 300 ms, 3 attempts, so a drop after ~0.9 s; and a list id secret. */
export const DEV_VARS = {
  RESEND_INTERVAL_MS: 300,
  MAX_SEND_ATTEMPTS: 3,
  RESUME_WINDOW_MS: 60_000,
  // List ids sealed as when deployed with the secret (src/worker/listIdSeal.ts).
  LIST_ID_SECRET: "e2e-list-id-secret",
} as const;

/** Within the e2e project's hook timeout (90 s), so that a slow start fails with wrangler's output. */
const READY_TIMEOUT_MS = 80_000;

/** Starts the app on a free port and fresh storage; `vars` go on top of {@link DEV_VARS}. */
export function startDevServer(options: Pick<WranglerDevOptions, "vars"> = {}): Promise<WranglerDev> {
  return startWranglerDev({ label: "wrangler dev (tests)", readyTimeoutMs: READY_TIMEOUT_MS, vars: { ...DEV_VARS, ...options.vars } });
}
