/**
 * Everything one point records about its saves as the clients receive them:
 * per save, when the first and the last client got it and how many did; per
 * (client, save), whether it arrived already (to count duplicates); and the
 * latency of every single delivery. Titles carry the point's tag and the save
 * index, so frames from an earlier point that arrive late are told apart.
 */
import type { ReceiptSink } from "../load/clients";
import { LatencyHistogram } from "../lib/stats";

export class PointRecorder implements ReceiptSink {
  readonly deliveries = new LatencyHistogram();
  private readonly seen: Uint8Array;
  readonly firstAt: Float64Array;
  readonly lastAt: Float64Array;
  readonly counts: Uint32Array;
  /** Saves every client has received. */
  complete = 0;
  duplicates = 0;
  /** Receipts of saves from other points. */
  stale = 0;

  constructor(
    readonly titlePrefix: string,
    readonly saves: number,
    readonly clients: number,
    private readonly dueAt: (index: number) => number,
  ) {
    this.seen = new Uint8Array(clients * saves);
    this.firstAt = new Float64Array(saves).fill(Number.POSITIVE_INFINITY);
    this.lastAt = new Float64Array(saves).fill(Number.NEGATIVE_INFINITY);
    this.counts = new Uint32Array(saves);
  }

  titleOf(index: number): string {
    return `${this.titlePrefix}${index}`;
  }

  onReceipt(client: number, title: string, receivedAt: number): void {
    if (!title.startsWith(this.titlePrefix) || client >= this.clients) {
      this.stale++;
      return;
    }
    const index = Number(title.slice(this.titlePrefix.length));
    if (!Number.isInteger(index) || index < 0 || index >= this.saves) {
      this.stale++;
      return;
    }
    const cell = client * this.saves + index;
    if (this.seen[cell] === 1) {
      this.duplicates++;
      return;
    }
    this.seen[cell] = 1;
    if (receivedAt < this.firstAt[index]!) this.firstAt[index] = receivedAt;
    if (receivedAt > this.lastAt[index]!) this.lastAt[index] = receivedAt;
    if (++this.counts[index]! === this.clients) this.complete++;
    this.deliveries.recordMs(receivedAt - this.dueAt(index));
  }

  get received(): number {
    let total = 0;
    for (const count of this.counts) total += count;
    return total;
  }

  /** Latencies to the first and to the last client per save; a save not yet everywhere counts at `cutoff`. */
  saveLatencies(cutoff: number): { first: LatencyHistogram; last: LatencyHistogram; incomplete: number } {
    const first = new LatencyHistogram();
    const last = new LatencyHistogram();
    let incomplete = 0;
    for (let index = 0; index < this.saves; index++) {
      const due = this.dueAt(index);
      const count = this.counts[index]!;
      first.recordMs((count > 0 ? this.firstAt[index]! : cutoff) - due);
      if (count === this.clients) {
        last.recordMs(this.lastAt[index]! - due);
      } else {
        incomplete++;
        last.recordMs(cutoff - due);
      }
    }
    return { first, last, incomplete };
  }
}
