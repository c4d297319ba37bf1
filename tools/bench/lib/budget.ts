/**
 * The run's deadline, so a run ends when promised: moved later by the time
 * spent waiting for a busy machine (bounded on its own). It only decides
 * whether a system still starts; no ladder is ever cut short by it (see
 * run/ladder.ts), so a quick run keeps to its few minutes by what the plan
 * measures, not by stopping early.
 */
import { now } from "../../harness/wait";

export class Budget {
  private constructor(private endsAt: number) {}

  static forMs(ms: number): Budget {
    return new Budget(now() + ms);
  }

  get leftMs(): number {
    return Math.max(0, this.endsAt - now());
  }

  passed(): boolean {
    return now() >= this.endsAt;
  }

  /** Moves the end later, e.g. by time spent waiting for others to finish with the machine. */
  extend(ms: number): void {
    this.endsAt += ms;
  }
}
