/**
 * A seeded pseudo-random stream (mulberry32), so that a run's fault plan can
 * be replayed with `--seed`. Each part of the harness forks its own stream by
 * label: how often one part draws then does not shift what another draws.
 */
export class Prng {
  private state: number;

  constructor(private readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An independent stream named `label`, the same for the same seed. */
  fork(label: string): Prng {
    let hash = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
    return new Prng((hash ^ Math.imul(this.seed, 0x9e3779b1)) >>> 0);
  }
}

/** A seed for a run nobody asked to replay. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
