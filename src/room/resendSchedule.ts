/**
 * When each unacknowledged frame is due again, derived from when it was first
 * sent; nothing per frame is stored. A frame first sent at `f` goes out at
 * f, f+I, … f+(N−1)·I (N attempts in all) and, if still unacknowledged at
 * f+N·I, its connection is dropped. A resend round remembers only the time it
 * ran, so running a round twice sends nothing twice.
 */
export interface DeliveryTiming {
  resendIntervalMs: number;
  maxSendAttempts: number;
}

export type FrameVerdict = "wait" | "resend" | "expired";

/** How many of a frame's attempts are scheduled at or before `at`. */
function attemptsScheduledBy(firstSentAt: number, at: number, timing: DeliveryTiming): number {
  if (at < firstSentAt) return 0;
  const elapsedIntervals = Math.floor((at - firstSentAt) / timing.resendIntervalMs);
  return Math.min(timing.maxSendAttempts, 1 + elapsedIntervals);
}

export function dropAt(firstSentAt: number, timing: DeliveryTiming): number {
  return firstSentAt + timing.maxSendAttempts * timing.resendIntervalMs;
}

/** What a round at `now` does with one unacknowledged frame, given the previous round's time. */
export function frameVerdict(
  firstSentAt: number,
  previousRoundAt: number,
  now: number,
  timing: DeliveryTiming,
): FrameVerdict {
  if (now >= dropAt(firstSentAt, timing)) return "expired";
  const alreadyDone = attemptsScheduledBy(firstSentAt, Math.max(previousRoundAt, firstSentAt), timing);
  return attemptsScheduledBy(firstSentAt, now, timing) > alreadyDone ? "resend" : "wait";
}

/** The first moment after `now` at which this frame needs a resend or its drop. */
export function nextDueAt(firstSentAt: number, now: number, timing: DeliveryTiming): number {
  const nextAttempt = Math.max(1, attemptsScheduledBy(firstSentAt, now, timing));
  return firstSentAt + Math.min(nextAttempt, timing.maxSendAttempts) * timing.resendIntervalMs;
}

export interface PendingFrame {
  seq: number;
  /** When the frame first went out on this connection. */
  firstSentAt: number;
}

export type RoundPlan =
  | { drop: true }
  | { drop: false; resend: number[]; nextRoundAt: number };

/** What one connection's round at `now` does: drop it, or resend these seqs and come back then. */
export function planRound(
  pending: readonly PendingFrame[],
  previousRoundAt: number,
  now: number,
  timing: DeliveryTiming,
): RoundPlan {
  const verdicts = pending.map((frame) => frameVerdict(frame.firstSentAt, previousRoundAt, now, timing));
  if (verdicts.includes("expired")) return { drop: true };
  return {
    drop: false,
    resend: pending.filter((_, index) => verdicts[index] === "resend").map((frame) => frame.seq),
    nextRoundAt: Math.min(...pending.map((frame) => nextDueAt(frame.firstSentAt, now, timing))),
  };
}
