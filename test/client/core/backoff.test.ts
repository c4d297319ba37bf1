import { describe, expect, it } from "vitest";
import { backoffDelay, RECONNECT_BACKOFF } from "../../../src/client/core/backoff";

describe("backoffDelay", () => {
  it("is full jitter: from 0 up to base × 2^attempt", () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.999999)).toBe(499);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
  });

  it("never exceeds the cap, however many attempts", () => {
    for (const attempt of [5, 10, 100, 10_000]) {
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(RECONNECT_BACKOFF.capMs);
    }
  });

  it("spreads a crowd: 1000 clients at attempt 4 pick many different delays", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const delays = new Set(Array.from({ length: 1000 }, () => backoffDelay(4, random)));
    expect(delays.size).toBeGreaterThan(900);
    expect(Math.max(...delays)).toBeLessThan(8000);
  });
});
