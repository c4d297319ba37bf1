import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../src/delivery/limits/tokenBucket";

describe("TokenBucket", () => {
  it("passes a burst, refuses beyond it, and refills at the sustained rate", () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.msUntilToken(0)).toBe(1000);
    expect(bucket.take(1000)).toBe(true);
  });

  it("counts refusals as debt, so only a sustained flood exhausts it", () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 1 }, 0);
    for (let n = 0; n < 3; n++) bucket.take(0);
    expect(bucket.exhausted()).toBe(false);
    bucket.take(0);
    expect(bucket.exhausted()).toBe(true);
    expect(bucket.msUntilToken(0)).toBe(3000);
  });

  it("takeAbove leaves a reserve untouched and says when a token above it is back; a refusal costs nothing", () => {
    const bucket = new TokenBucket({ burst: 4, perSecond: 1 }, 0);
    expect([bucket.takeAbove(2, 0), bucket.takeAbove(2, 0), bucket.takeAbove(2, 0)]).toEqual([true, true, false]);
    expect(bucket.msUntilAbove(2, 0)).toBe(1000);
    expect(bucket.take(0)).toBe(true); // what the reserve is for
    expect(bucket.msUntilAbove(2, 0)).toBe(2000);
    expect(bucket.full(0)).toBe(false);
    expect(bucket.full(3000)).toBe(true);
  });
});
