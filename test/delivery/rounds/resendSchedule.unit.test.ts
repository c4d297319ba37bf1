import { describe, expect, it } from "vitest";
import { planRound, type DeliveryTiming, type ResendRound } from "../../../src/delivery/rounds/resendSchedule";

const timing: DeliveryTiming = { resendIntervalMs: 1000, maxSendAttempts: 5 };
const SENT = 10_000;
const oldest = { seq: 3, firstSentAt: SENT };

/** Runs rounds whenever they are due (or at the given times) and counts the sends of the oldest frame. */
function play(times: number[]): { sends: number; droppedAt: number | null; rounds: ResendRound[] } {
  let rounds: ResendRound[] = [];
  let sends = 1;
  for (const now of times) {
    const plan = planRound(oldest, rounds, now, 7, timing);
    if (plan.kind === "drop") return { sends, droppedAt: now, rounds };
    if (plan.kind === "resend") {
      sends++;
      rounds = plan.rounds;
    }
  }
  return { sends, droppedAt: null, rounds };
}

describe("resend rounds", () => {
  it("resend every interval, five sends in all, then the drop one interval after the last", () => {
    expect(play([11_000, 12_000, 13_000, 14_000, 15_000])).toMatchObject({ sends: 5, droppedAt: 15_000 });
  });

  it("a round before the frame is due waits and says when it is due", () => {
    expect(planRound(oldest, [], SENT + 999, 7, timing)).toEqual({ kind: "wait", dueAt: SENT + 1000 });
  });

  it("rounds more often than the interval send nothing extra", () => {
    const often = Array.from({ length: 49 }, (_, i) => SENT + 100 * (i + 1));
    expect(play(often)).toMatchObject({ sends: 5, droppedAt: null });
  });

  it("a late alarm costs no attempt: the frame is still sent five times before the drop", () => {
    // The first resend comes 3.5 intervals late; every later one is an interval after it.
    const result = play([13_500, 14_500, 15_500, 16_500, 17_500]);
    expect(result).toMatchObject({ sends: 5, droppedAt: 17_500 });
  });

  it("a round resends up to the newest frame and remembers that", () => {
    expect(planRound(oldest, [], SENT + 1000, 9, timing)).toEqual({
      kind: "resend",
      rounds: [[SENT + 1000, 9]],
      nextRoundAt: SENT + 2000,
    });
  });

  it("a newer frame counts only the rounds that sent it, and forgets the rest", () => {
    // Rounds at 11 000 (through seq 3) and 12 000 (through seq 5): seq 4 was first sent at 11 500.
    const rounds: ResendRound[] = [
      [11_000, 3],
      [12_000, 5],
    ];
    const newer = { seq: 4, firstSentAt: 11_500 };
    expect(planRound(newer, rounds, 12_999, 5, timing)).toEqual({ kind: "wait", dueAt: 13_000 });
    expect(planRound(newer, rounds, 13_000, 5, timing)).toEqual({
      kind: "resend",
      rounds: [
        [12_000, 5],
        [13_000, 5],
      ],
      nextRoundAt: 14_000,
    });
  });

  it("with one attempt the connection is dropped one interval after the only send", () => {
    const once = { resendIntervalMs: 1000, maxSendAttempts: 1 };
    expect(planRound(oldest, [], SENT + 999, 3, once)).toEqual({ kind: "wait", dueAt: SENT + 1000 });
    expect(planRound(oldest, [], SENT + 1000, 3, once)).toEqual({ kind: "drop" });
  });
});
