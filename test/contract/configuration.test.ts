/**
 * The defaults in PROTOCOL.md's Configuration table, written out, against
 * the code's own table of variables and against what the code runs with for
 * a var that is not set: each var is compared, so each can fail. (That
 * wrangler.toml sets each var to its default is test/config/variables.test.ts,
 * which reads the file as wrangler does; the test pool here overrides some.)
 */
import { describe, expect, it } from "vitest";
import { readSwitch, readWholeNumber, VARIABLES, type SwitchName, type WholeNumberName } from "../../src/config/variables";
import { readDeliveryConfig } from "../../src/delivery/config";
import { readListsPerHour } from "../../src/quota/ListQuota";
import { readListConfig } from "../../src/room/listConfig";
import { readPlacementRule } from "../../src/room/relays/arrivalRouter";
import { connect, freshRoom, overrideVar } from "../room/roomHarness";

const DOCUMENTED = {
  RESEND_INTERVAL_MS: "30000",
  MAX_SEND_ATTEMPTS: "5",
  RESUME_WINDOW_MS: "120000",
  FRAMES_PER_SECOND: "20",
  CONNECTIONS_PER_ADDRESS: "100",
  LIST_SAVES_PER_MINUTE: "600",
  LIST_MAX_ITEMS: "5000",
  LIST_MAX_BYTES: "20000000",
  RESUME_TOKEN_GRACE_MS: "30000",
  LISTS_PER_HOUR: "20",
  EXEMPT_LOOPBACK: "true",
  SEND_WINDOW_FRAMES: "32",
  SEND_WINDOW_BYTES: "131072",
  PRESENCE_INTERVAL_MS: "2000",
  RELAY_AFTER: "1000",
  RELAY_CAPACITY: "5000",
  EXPOSE_USAGE: "false",
  ACCEPT_UNSEALED_LIST_IDS: "false",
} as const;

describe("configuration defaults", () => {
  it("the code's table of variables has the documented vars and defaults, and the two secrets", () => {
    const defaults = Object.fromEntries(
      Object.entries(VARIABLES).flatMap(([name, variable]) => (variable.type === "secret" ? [] : [[name, String(variable.default)]])),
    );
    expect(defaults).toEqual(DOCUMENTED);
    expect(Object.keys(VARIABLES).filter((name) => !(name in DOCUMENTED))).toEqual(["OWNER_KEY", "LIST_ID_SECRET"]);
  });

  it("every var left unset reads as its documented default", () => {
    for (const [name, documented] of Object.entries(DOCUMENTED)) {
      const variable = VARIABLES[name as keyof typeof DOCUMENTED];
      const read = variable.type === "switch" ? readSwitch(name as SwitchName, {}) : readWholeNumber(name as WholeNumberName, {});
      expect(String(read), name).toBe(documented);
    }
    expect({ ...readDeliveryConfig({}), ...readListConfig({}) }).toEqual({
      resendIntervalMs: 30000,
      maxSendAttempts: 5,
      resumeWindowMs: 120000,
      resumeTokenGraceMs: 30000,
      framesPerSecond: 20,
      listSavesPerMinute: 600,
      connectionsPerAddress: 100,
      ceilings: { items: 5000, textBytes: 20000000 },
      sendWindow: { frames: 32, bytes: 131072 },
      presenceIntervalMs: 2000,
    });
    expect(readListsPerHour({})).toBe(20);
    expect(readPlacementRule({})).toEqual({ relayAfter: 1000, capacity: 5000 });
  });

  it("a var left unset falls back to its documented default in a running room", async () => {
    overrideVar("RESEND_INTERVAL_MS", "");
    const { welcome } = await connect(await freshRoom());
    expect(welcome.resendIntervalMs).toBe(30000);
  });
});
