/**
 * Latency histograms (HdrHistogram, microsecond resolution, 3 significant
 * digits) and the summaries the results carry: percentiles of one run, and
 * the median with its spread across repeats.
 */
import * as hdr from "hdr-histogram-js";

const HIGHEST_TRACKABLE_US = 600_000_000;

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });

  recordMs(ms: number): void {
    this.histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * 1000))));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** In milliseconds; all zeros when nothing was recorded. */
  percentiles(): Percentiles {
    const at = (percentile: number) => round(this.histogram.getValueAtPercentile(percentile) / 1000);
    if (this.histogram.totalCount === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      count: this.histogram.totalCount,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: round(this.histogram.maxValue / 1000),
    };
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}
