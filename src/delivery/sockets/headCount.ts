/**
 * The head count: how many browsers are connected (audience.ts), sent to all of them
 * as an unsequenced `presence` frame when it changes, at most once per
 * interval, so a thousand people arriving cost a few broadcasts, not a
 * thousand. What was last sent is kept in memory only: after a wake or a
 * restart it is unknown, and the next chance sends the count again.
 */
import type { PresenceFrame } from "../../protocol/frames";
import type { AlarmDuty, AlarmTable } from "../platform/alarms";
import type { Audience } from "./audience";
import type { Outbound } from "./outbound";

export type PresencePlan = { kind: "send" } | { kind: "later"; at: number } | { kind: "nothing" };

/**
 * Whether the count goes out now, later (at the end of the interval that
 * began with the last broadcast), or not at all (a broadcast is already due).
 *
 * @example
 * planPresence(1_000, null, 1_500, 2_000) // { kind: "later", at: 3_000 }
 */
export function planPresence(lastSentAt: number, dueAt: number | null, now: number, intervalMs: number): PresencePlan {
  if (dueAt !== null) return { kind: "nothing" };
  if (now >= lastSentAt + intervalMs) return { kind: "send" };
  return { kind: "later", at: lastSentAt + intervalMs };
}

export class Presence {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private lastSentCount: number | null = null;
  /** When a coalesced broadcast is due, if one is. */
  dueAt: number | null = null;

  constructor(private readonly intervalMs: number) {}

  /** The audience changed: what to do about it. */
  changed(now: number): PresencePlan {
    const plan = planPresence(this.lastSentAt, this.dueAt, now, this.intervalMs);
    if (plan.kind === "later") this.dueAt = plan.at;
    return plan;
  }

  /** Whether a broadcast is due now (the alarm asks); an unknown last count is always worth sending. */
  isDue(now: number): boolean {
    return (this.dueAt !== null && this.dueAt <= now) || (this.dueAt === null && this.lastSentCount === null);
  }

  /** The count to broadcast, or null when everyone already has it. */
  take(count: number, now: number): number | null {
    this.dueAt = null;
    if (count === this.lastSentCount) return null;
    this.lastSentAt = now;
    this.lastSentCount = count;
    return count;
  }
}

/** Where the head count reaches past this object's own sockets (a list and its relays: src/room/relays/, src/relay/). */
export interface WiderAudience {
  /** The whole audience, given the sockets open here. */
  total(open: number): number;
  /** The count just went out to everyone here. */
  told(count: number): void;
}

const ONLY_HERE: WiderAudience = { total: (open) => open, told: () => {} };

/** Tells the audience its head count, following {@link Presence}'s schedule. */
export class HeadCount {
  private readonly presence: Presence;
  /** The coalesced broadcast's duty of the one alarm (platform/alarms.ts). */
  private readonly due: AlarmDuty;
  private wider: WiderAudience = ONLY_HERE;

  constructor(
    intervalMs: number,
    private readonly audience: Audience,
    private readonly outbound: Outbound,
    alarms: AlarmTable,
  ) {
    this.presence = new Presence(intervalMs);
    this.due = alarms.register("presence", (now) => this.onAlarm(now));
  }

  /**
   * The head count reaches past this object's sockets from now on: the
   * owning object says so once its own parts are built (a list once its
   * relays are, a relay from the start).
   */
  widen(wider: WiderAudience): void {
    this.wider = wider;
  }

  /** Someone arrived or left; returns whether everyone was told the count just now. */
  changed(now: number): boolean {
    const plan = this.presence.changed(now);
    if (plan.kind === "later") this.due.dueBy(plan.at);
    return plan.kind === "send" && this.broadcast(now);
  }

  /** A newcomer hears the head count at once, from the broadcast or on its own. */
  arrived(ws: WebSocket, now: number): void {
    if (!this.changed(now)) this.outbound.frame(ws, { type: "presence", count: this.wider.total(this.audience.people()) } satisfies PresenceFrame);
  }

  /** The alarm's duty: a coalesced broadcast, when one is due; returns when the next is. */
  onAlarm(now: number): number | null {
    if (this.presence.isDue(now)) this.broadcast(now);
    return this.presence.dueAt;
  }

  private broadcast(now: number): boolean {
    // Listing the open sockets also drops any closed under us, so the count after it is current.
    const sockets = [...this.audience.open()];
    const count = this.presence.take(this.wider.total(this.audience.people()), now);
    if (count === null) return false;
    const text = JSON.stringify({ type: "presence", count } satisfies PresenceFrame);
    for (const [ws] of sockets) this.outbound.text(ws, text);
    this.wider.told(count);
    return true;
  }
}
