import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readDeliveryConfig } from "../../src/delivery/config";
import { overrideVar } from "../room/roomHarness";

describe("the engine's config", () => {
  it("uses the documented defaults when vars are absent", () => {
    expect(readDeliveryConfig({})).toEqual({
      resendIntervalMs: 30_000,
      maxSendAttempts: 5,
      resumeWindowMs: 120_000,
      resumeTokenGraceMs: 30_000,
      framesPerSecond: 20,
      connectionsPerAddress: 100,
      sendWindow: { frames: 32, bytes: 131_072 },
      presenceIntervalMs: 2_000,
    });
  });

  it("reads overrides given as strings, as `wrangler dev --var` passes them", () => {
    expect(
      readDeliveryConfig({
        RESEND_INTERVAL_MS: "300",
        MAX_SEND_ATTEMPTS: "3",
        RESUME_WINDOW_MS: "0",
        RESUME_TOKEN_GRACE_MS: "1000",
        FRAMES_PER_SECOND: "5",
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
      connectionsPerAddress: 2,
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
    [{ CONNECTIONS_PER_ADDRESS: "" + "x" }, /CONNECTIONS_PER_ADDRESS/],
  ])("refuses %j naming the var", (vars, name) => {
    expect(() => readDeliveryConfig(vars)).toThrow(name);
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
