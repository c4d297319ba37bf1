/**
 * The object's one alarm, shared by everything that needs to run later
 * (resend rounds, a coalesced head count, deleting a list never written to). Each duty
 * says when it is next due; the platform alarm is set for the earliest, and
 * only when that is sooner than the one already set, so a save costs no
 * storage write while an alarm is pending.
 *
 * When the alarm fires every duty runs and judges for itself what is due, so
 * a late alarm, one that fires twice, or the first after a restart (when the
 * table of due times, kept in memory, is empty) each do what is due and no
 * more. A duty that throws fails the alarm, and the platform retries it.
 */
import type { RoomUsage } from "./usage";

export type Duty = "resend" | "presence" | "unused-list" | "tombstones";

/** Runs a duty's due work at `now`; returns when it is next due, or null when it has nothing pending. */
export type DutyRun = (now: number) => number | null;

export class Alarm {
  /** The platform alarm as last set, or null when none is pending. */
  private setAt: number | null = null;
  /** When each duty is next due, as far as this instance knows. */
  private readonly due = new Map<Duty, number>();
  /** What each duty does when the alarm fires, in the order assigned. */
  private readonly duties = new Map<Duty, DutyRun>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly usage: Pick<RoomUsage, "setAlarmCalls" | "alarmRuns">,
  ) {}

  /** What `duty` does when the alarm fires. */
  assign(duty: Duty, run: DutyRun): void {
    this.duties.set(duty, run);
  }

  /** Learns the alarm a previous instance set; call once while the object starts. */
  async load(): Promise<void> {
    this.setAt = await this.storage.getAlarm();
  }

  /** `duty` must run by `at`. */
  dueBy(duty: Duty, at: number): void {
    const known = this.due.get(duty);
    if (known === undefined || at < known) this.due.set(duty, at);
    this.setPlatformAlarm(at);
  }

  /** The alarm fired: every duty runs, and the alarm is set again for the earliest still pending. */
  fire(now: number): void {
    this.usage.alarmRuns++;
    this.setAt = null;
    this.due.clear();
    for (const [duty, run] of this.duties) {
      const next = run(now);
      if (next !== null) this.due.set(duty, next);
    }
    const earliest = Math.min(...this.due.values());
    if (Number.isFinite(earliest)) this.setPlatformAlarm(earliest);
  }

  private setPlatformAlarm(at: number): void {
    if (this.setAt !== null && this.setAt <= at) return;
    this.setAt = at;
    this.usage.setAlarmCalls++;
    void this.storage.setAlarm(at);
  }
}
