import { describe, expect, it } from "vitest";
import { isLoopback, KeyedBuckets, TokenBucket } from "../../src/room/rateLimit";

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
});

describe("KeyedBuckets", () => {
  it("keeps one bucket per key and forgets the least recently used beyond its capacity", () => {
    const buckets = new KeyedBuckets({ burst: 1, perSecond: 0.001 }, 2);
    expect(buckets.get("a", 0).take(0)).toBe(true);
    expect(buckets.get("a", 0).take(0)).toBe(false);
    buckets.get("b", 0);
    buckets.get("c", 0);
    expect(buckets.get("a", 0).take(0)).toBe(true);
  });
});

describe("isLoopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.1", true],
    ["::1", true],
    ["10.0.0.1", false],
    ["2001:db8::1", false],
  ])("%s → %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
