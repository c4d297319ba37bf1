/**
 * The defaults in PROTOCOL.md's Configuration table, written out, against
 * the vars wrangler.toml gives the Worker (the test pool runs wrangler.toml)
 * and against the code's own fallbacks for a var that is not set.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, overrideVar } from "../room/roomHarness";

const DOCUMENTED = {
  RESEND_INTERVAL_MS: "30000",
  MAX_SEND_ATTEMPTS: "5",
  RESUME_WINDOW_MS: "120000",
  FRAMES_PER_SECOND: "20",
  CONNECTIONS_PER_ADDRESS: "100",
  LIST_SAVES_PER_MINUTE: "600",
  LISTS_PER_HOUR: "20",
  EXEMPT_LOOPBACK: "true",
  SEND_WINDOW_FRAMES: "32",
  SEND_WINDOW_BYTES: "131072",
  PRESENCE_INTERVAL_MS: "2000",
  EXPOSE_USAGE: "false",
  ACCEPT_UNSEALED_LIST_IDS: "false",
} as const;

describe("configuration defaults", () => {
  it("wrangler.toml sets each var to its documented default", () => {
    const vars = env as unknown as Record<string, string | undefined>;
    const set = Object.fromEntries(Object.keys(DOCUMENTED).map((name) => [name, vars[name]]));
    // The test pool lowers the connection cap so its limit test needs few sockets.
    expect({ ...set, CONNECTIONS_PER_ADDRESS: DOCUMENTED.CONNECTIONS_PER_ADDRESS }).toEqual(DOCUMENTED);
  });

  it("a var left unset falls back to its documented default", async () => {
    overrideVar("RESEND_INTERVAL_MS", "");
    const { welcome } = await connect(await freshRoom());
    expect(welcome.resendIntervalMs).toBe(30000);
  });
});
