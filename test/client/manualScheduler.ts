/** A clock for client tests that moves only when told to, running the timers that come due. */
import type { Scheduler } from "../../src/client/core/liveConnection";

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export class ManualScheduler implements Scheduler {
  private time = 1_000_000;
  private nextId = 1;
  private timers: Timer[] = [];
  private timerWaiters: (() => void)[] = [];
  randomValue = 0.5;

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.time + ms, callback };
    this.timers.push(timer);
    for (const wake of this.timerWaiters.splice(0)) wake();
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.randomValue;
  }

  /** Moves time forward, running every timer that comes due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }

  /** Resolves once a timer is pending: code that schedules its next step has finished this one. */
  whenTimerPending(): Promise<void> {
    if (this.timers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.timerWaiters.push(resolve));
  }

  pendingTimers(): number {
    return this.timers.length;
  }
}
