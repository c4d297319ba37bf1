/**
 * When a connection's unacknowledged frames go out again, and when it is
 * dropped. A resend round sends every unacknowledged frame of the connection
 * again; rounds come one interval after the oldest unacknowledged frame was
 * last sent. The connection remembers only its recent rounds (when, and up to
 * which seq), at most MAX_SEND_ATTEMPTS of them, so how often a frame has
 * really been sent is counted, not assumed: an alarm that fires late delays a
 * resend but never costs a frame one of its attempts.
 */
export interface DeliveryTiming {
  resendIntervalMs: number;
  maxSendAttempts: number;
}

/** A resend round: when it ran, and the highest seq it sent. */
export type ResendRound = readonly [at: number, throughSeq: number];

export interface OldestPending {
  seq: number;
  /** When it first went out on this connection. */
  firstSentAt: number;
}

export type RoundPlan =
  | { kind: "wait"; dueAt: number }
  | { kind: "drop" }
  | { kind: "resend"; rounds: ResendRound[]; nextRoundAt: number };

/** The rounds that sent this frame again, oldest first. */
export function roundsThatResent(rounds: readonly ResendRound[], seq: number): ResendRound[] {
  return rounds.filter(([, throughSeq]) => throughSeq >= seq);
}

/**
 * What a connection's round at `now` does. `lastSeq` is the newest frame it
 * has been sent; a resend sends everything from `oldest.seq` to it.
 *
 * @example
 * planRound({ seq: 2, firstSentAt: 0 }, [], 0 + interval, 4, timing) // resend, rounds [[interval, 4]]
 */
export function planRound(
  oldest: OldestPending,
  rounds: readonly ResendRound[],
  now: number,
  lastSeq: number,
  timing: DeliveryTiming,
): RoundPlan {
  const resends = roundsThatResent(rounds, oldest.seq);
  const lastSentAt = resends.at(-1)?.[0] ?? oldest.firstSentAt;
  const dueAt = lastSentAt + timing.resendIntervalMs;
  if (now < dueAt) return { kind: "wait", dueAt };
  if (1 + resends.length >= timing.maxSendAttempts) return { kind: "drop" };
  return { kind: "resend", rounds: [...resends, [now, lastSeq]], nextRoundAt: now + timing.resendIntervalMs };
}
