/**
 * Token buckets for the limits (socketLimits.ts, and the list's
 * src/room/saveLimit.ts): a bucket holds up to `burst` tokens and refills at
 * `perSecond`; each request takes one. A bucket may go into debt
 * (down to −burst) while its owner keeps pushing after being refused, which is
 * how a flood is told apart from a burst.
 */
export interface BucketPolicy {
  burst: number;
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly policy: BucketPolicy,
    now: number,
  ) {
    this.tokens = policy.burst;
    this.updatedAt = now;
  }

  /** Takes a token if there is one; a refusal still deepens the debt. */
  take(now: number): boolean {
    this.refill(now);
    this.tokens = Math.max(-this.policy.burst, this.tokens - 1);
    return this.tokens >= 0;
  }

  /**
   * Takes a token only if more than `reserve` would be left short of it
   * (the bucket keeps `reserve` for others); a refusal leaves it as it was.
   */
  takeAbove(reserve: number, now: number): boolean {
    this.refill(now);
    if (this.tokens - 1 < reserve) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives back a token just taken, when the request it was for did not go ahead after all. */
  giveBack(): void {
    this.tokens = Math.min(this.policy.burst, this.tokens + 1);
  }

  /** Whether the bucket holds its whole burst: its owner has not been taking lately. */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.policy.burst;
  }

  /** Whether the owner has kept going for a whole burst after being refused. */
  exhausted(): boolean {
    return this.tokens <= -this.policy.burst;
  }

  /** Milliseconds until one token is back. */
  msUntilToken(now: number): number {
    return this.msUntilAbove(0, now);
  }

  /** Milliseconds until a token can be taken with `reserve` left: see {@link takeAbove}. */
  msUntilAbove(reserve: number, now: number): number {
    this.refill(now);
    const needed = reserve + 1 - this.tokens;
    return needed <= 0 ? 0 : Math.ceil((needed / this.policy.perSecond) * 1000);
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.policy.burst, this.tokens + elapsedSeconds * this.policy.perSecond);
    this.updatedAt = now;
  }
}
