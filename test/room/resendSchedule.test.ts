import { describe, expect, it } from "vitest";
import { dropAt, frameVerdict, nextDueAt, planRound, type DeliveryTiming } from "../../src/room/resendSchedule";

const timing: DeliveryTiming = { resendIntervalMs: 1000, maxSendAttempts: 5 };
const SENT = 10_000;

/** Plays rounds at the given times and counts the sends, the first one included. */
function sendsOver(roundTimes: number[]): { sends: number; expiredAt: number | null } {
  let sends = 1;
  let previous = SENT;
  for (const now of roundTimes) {
    const verdict = frameVerdict(SENT, previous, now, timing);
    if (verdict === "expired") return { sends, expiredAt: now };
    if (verdict === "resend") sends++;
    previous = now;
  }
  return { sends, expiredAt: null };
}

describe("resend schedule", () => {
  it("a frame is due every interval, five sends in all, then expires", () => {
    let now = SENT;
    const rounds: number[] = [];
    for (let i = 0; i < 5; i++) rounds.push((now = nextDueAt(SENT, now, timing)));
    expect(rounds).toEqual([11_000, 12_000, 13_000, 14_000, 15_000]);
    expect(sendsOver(rounds)).toEqual({ sends: 5, expiredAt: 15_000 });
    expect(dropAt(SENT, timing)).toBe(15_000);
  });

  it("rounds more often than the interval send nothing extra", () => {
    const rounds = Array.from({ length: 49 }, (_, i) => SENT + 100 * (i + 1));
    expect(sendsOver(rounds)).toEqual({ sends: 5, expiredAt: null });
  });

  it("a late round sends once, not once per missed interval", () => {
    expect(sendsOver([13_500])).toEqual({ sends: 2, expiredAt: null });
  });

  it("a round at the moment of the first send does nothing", () => {
    expect(frameVerdict(SENT, SENT - 5000, SENT, timing)).toBe("wait");
  });

  it("a frame first sent after the previous round is not resent before its own interval", () => {
    expect(frameVerdict(SENT, SENT - 500, SENT + 999, timing)).toBe("wait");
    expect(frameVerdict(SENT, SENT - 500, SENT + 1000, timing)).toBe("resend");
  });

  it("with one attempt the frame expires one interval after it was sent", () => {
    const once = { resendIntervalMs: 1000, maxSendAttempts: 1 };
    expect(nextDueAt(SENT, SENT, once)).toBe(11_000);
    expect(frameVerdict(SENT, SENT, 10_999, once)).toBe("wait");
    expect(frameVerdict(SENT, SENT, 11_000, once)).toBe("expired");
  });
});

describe("planRound", () => {
  const frames = [
    { seq: 1, firstSentAt: SENT },
    { seq: 2, firstSentAt: SENT + 400 },
  ];

  it("resends only the frames whose own interval has passed and comes back at the earliest next due", () => {
    expect(planRound(frames, SENT, SENT + 1000, timing)).toEqual({ drop: false, resend: [1], nextRoundAt: SENT + 1400 });
    expect(planRound(frames, SENT + 1000, SENT + 1400, timing)).toEqual({ drop: false, resend: [2], nextRoundAt: SENT + 2000 });
  });

  it("drops the connection once any frame has used every attempt", () => {
    expect(planRound(frames, SENT + 4000, SENT + 5000, timing)).toEqual({ drop: true });
  });
});
