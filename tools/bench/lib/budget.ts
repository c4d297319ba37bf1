/**
 * Time budgets, so a run ends when promised: the whole run has one (moved
 * later by the time spent waiting for a busy machine, which is bounded on its
 * own), each system gets a share of what is left when it starts (time a
 * system does not use goes to the ones after it), and each ladder an equal
 * share within its system. A ladder past its budget stops climbing.
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

  /** An equal part of what is left, for the first of `parts` things still to do. */
  share(parts: number): Budget {
    return this.fraction(1 / Math.max(1, parts));
  }

  /** `part` (0–1) of what is left. */
  fraction(part: number): Budget {
    return new Budget(now() + this.leftMs * Math.min(1, Math.max(0, part)));
  }

  /** Moves the end later, e.g. by time spent waiting for others to finish with the machine. */
  extend(ms: number): void {
    this.endsAt += ms;
  }
}
