/**
 * The object's one alarm, shared by everything that needs to run later. Each
 * part that needs it registers a duty under a key of its own (the engine's
 * resend rounds and coalesced head count; the list's unused-list deletion,
 * tombstones and relay retries; a relay's link to its list) and asks for it
 * through the handle it gets back. Each duty says when it is next due; the
 * platform alarm is set for the earliest, and only when that is sooner than
 * the one already set, so a save costs no storage write while an alarm is
 * pending.
 *
 * When the alarm fires every duty runs and judges for itself what is due, so
 * a late alarm, one that fires twice, or the first after a restart (when the
 * table of due times, kept in memory, is empty) each do what is due and no
 * more. A duty that throws fails the alarm, and the platform retries it.
 */
import type { RoomUsage } from "./usage";

/** Runs a duty's due work at `now`; returns when it is next due, or null when it has nothing pending. */
export type DutyRun = (now: number) => number | null;

/** A registered duty: how its owner asks for the alarm. */
export interface AlarmDuty {
  /** The duty must run by `at`. */
  dueBy(at: number): void;
}

/** Where a part registers its duty. */
export interface AlarmTable {
  /** What the duty under `key` does when the alarm fires (duties run in the order registered). */
  register(key: string, run: DutyRun): AlarmDuty;
}

export class Alarms implements AlarmTable {
  /** The platform alarm as last set, or null when none is pending. */
  private setAt: number | null = null;
  /** When each duty is next due, as far as this instance knows. */
  private readonly due = new Map<string, number>();
  /** What each duty does when the alarm fires, in the order registered. */
  private readonly duties = new Map<string, DutyRun>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly usage: Pick<RoomUsage, "setAlarmCalls" | "alarmRuns">,
  ) {}

  register(key: string, run: DutyRun): AlarmDuty {
    if (this.duties.has(key)) throw new Error(`the alarm duty ${JSON.stringify(key)} is registered twice`);
    this.duties.set(key, run);
    return { dueBy: (at) => this.dueBy(key, at) };
  }

  /** Learns the alarm a previous instance set; call once while the object starts. */
  async load(): Promise<void> {
    this.setAt = await this.storage.getAlarm();
  }

  /** The alarm fired: every duty runs, and the alarm is set again for the earliest still pending. */
  fire(now: number): void {
    this.usage.alarmRuns++;
    this.setAt = null;
    this.due.clear();
    for (const [key, run] of this.duties) {
      const next = run(now);
      if (next !== null) this.due.set(key, next);
    }
    const earliest = Math.min(...this.due.values());
    if (Number.isFinite(earliest)) this.setPlatformAlarm(earliest);
  }

  private dueBy(key: string, at: number): void {
    const known = this.due.get(key);
    if (known === undefined || at < known) this.due.set(key, at);
    this.setPlatformAlarm(at);
  }

  private setPlatformAlarm(at: number): void {
    if (this.setAt !== null && this.setAt <= at) return;
    this.setAt = at;
    this.usage.setAlarmCalls++;
    void this.storage.setAlarm(at);
  }
}
