import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, readConfig } from "../../src/room/config";
import { overrideVar } from "./roomHarness";

describe("room config", () => {
  it("uses the documented defaults when vars are absent", () => {
    expect(readConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toEqual({
      resendIntervalMs: 30_000,
      maxSendAttempts: 5,
      resumeWindowMs: 120_000,
      resumeTokenGraceMs: 30_000,
      framesPerSecond: 20,
      listSavesPerMinute: 600,
      connectionsPerAddress: 100,
      ceilings: { items: 5_000, textBytes: 20_000_000 },
      sendWindow: { frames: 32, bytes: 131_072 },
      presenceIntervalMs: 2_000,
    });
  });

  it("reads overrides given as strings, as `wrangler dev --var` passes them", () => {
    expect(
      readConfig({
        RESEND_INTERVAL_MS: "300",
        MAX_SEND_ATTEMPTS: "3",
        RESUME_WINDOW_MS: "0",
        RESUME_TOKEN_GRACE_MS: "1000",
        LIST_MAX_ITEMS: "10",
        LIST_MAX_BYTES: "2000",
        FRAMES_PER_SECOND: "5",
        LIST_SAVES_PER_MINUTE: "60",
        CONNECTIONS_PER_ADDRESS: "2",
        SEND_WINDOW_FRAMES: "4",
        SEND_WINDOW_BYTES: "70000",
        PRESENCE_INTERVAL_MS: "500",
      }),
    ).toEqual({
      resendIntervalMs: 300,
      maxSendAttempts: 3,
      resumeWindowMs: 0,
      resumeTokenGraceMs: 1_000,
      framesPerSecond: 5,
      listSavesPerMinute: 60,
      connectionsPerAddress: 2,
      ceilings: { items: 10, textBytes: 2_000 },
      sendWindow: { frames: 4, bytes: 70_000 },
      presenceIntervalMs: 500,
    });
  });

  it.each([
    [{ RESEND_INTERVAL_MS: "soon" }, /RESEND_INTERVAL_MS/],
    [{ RESEND_INTERVAL_MS: "5" }, /RESEND_INTERVAL_MS/],
    [{ MAX_SEND_ATTEMPTS: "0" }, /MAX_SEND_ATTEMPTS/],
    [{ SEND_WINDOW_FRAMES: "0" }, /SEND_WINDOW_FRAMES/],
    [{ SEND_WINDOW_BYTES: "65535" }, /SEND_WINDOW_BYTES/],
    [{ RESUME_WINDOW_MS: "-1" }, /RESUME_WINDOW_MS/],
    [{ FRAMES_PER_SECOND: "0" }, /FRAMES_PER_SECOND/],
    [{ LIST_SAVES_PER_MINUTE: "1.5" }, /LIST_SAVES_PER_MINUTE/],
    [{ CONNECTIONS_PER_ADDRESS: "" + "x" }, /CONNECTIONS_PER_ADDRESS/],
    [{ LIST_MAX_ITEMS: "0" }, /LIST_MAX_ITEMS/],
    [{ LIST_MAX_BYTES: "999" }, /LIST_MAX_BYTES/],
  ])("refuses %j naming the var", (vars, name) => {
    expect(() => readConfig(vars)).toThrow(name);
  });

  it("a room started with an out-of-range var refuses to start, naming the var", async () => {
    overrideVar("MAX_SEND_ATTEMPTS", "0");
    // Not created first: creating it would be the first call to fail.
    const room = env.LIST_ROOM.getByName(`test-${crypto.randomUUID()}`);
    // Settled by hand: `expect(rpcPromise)` would touch properties of the
    // RPC promise, and each of those is another call to the broken room.
    const refusal = await room.listItems({ before: null, limit: 1 }).then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(refusal).toMatch(/MAX_SEND_ATTEMPTS/);
    const upgrade = await room.fetch("http://room/ws", { headers: { Upgrade: "websocket" } }).then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(upgrade).toMatch(/MAX_SEND_ATTEMPTS/);
  });
});
