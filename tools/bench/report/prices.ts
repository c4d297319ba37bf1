/**
 * Published prices the cost table uses, in one place, each with where it was
 * read and when. Cloudflare: Workers Paid (Standard usage model) and Durable
 * Objects (compute, and storage for SQLite-backed classes). The VM: a
 * DigitalOcean Basic Droplet. Amounts in US dollars; included amounts are
 * per month and per account (the table charges each scenario as if it were
 * the account's only use).
 */

export interface PriceSource {
  url: string;
  /** The day the page was read (YYYY-MM-DD). */
  read: string;
  note?: string;
}

export const WORKERS_PAID = {
  source: {
    url: "https://developers.cloudflare.com/workers/platform/pricing/",
    read: "2026-11-29",
  } satisfies PriceSource,
  subscriptionPerMonth: 5,
  requests: { includedPerMonth: 10_000_000, perMillion: 0.3 },
  cpuMs: { includedPerMonth: 30_000_000, perMillion: 0.02 },
} as const;

export const DURABLE_OBJECTS = {
  source: {
    url: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
    read: "2026-11-29",
    note:
      "Compute as read on the page. The storage rates for SQLite-backed classes are the same as D1's and were read from D1's price list " +
      "(https://developers.cloudflare.com/d1/platform/pricing/, via a mirror) because the excerpt of the Durable Objects page ended before its storage section.",
  } satisfies PriceSource,
  /** HTTP requests, RPC sessions (each stub method call), WebSocket messages received (at 20:1) and alarm invocations. */
  requests: { includedPerMonth: 1_000_000, perMillion: 0.15 },
  incomingWebSocketMessagesPerBilledRequest: 20,
  /** Billed for 128 MB per object while it is active and not eligible to hibernate. */
  duration: { includedGbSecondsPerMonth: 400_000, perMillionGbSeconds: 12.5, billedGb: 0.128 },
  rowsRead: { includedPerMonth: 25_000_000_000, perMillion: 0.001 },
  rowsWritten: { includedPerMonth: 50_000_000, perMillion: 1.0 },
  storage: { includedGbMonths: 5, perGbMonth: 0.2 },
} as const;

export interface VmSize {
  name: string;
  vcpus: number;
  memoryGb: number;
  perMonth: number;
}

export const VM_PRICES = {
  source: {
    url: "https://www.digitalocean.com/pricing/droplets",
    read: "2026-11-29",
    note:
      "Basic (shared CPU, Regular) Droplets. The $6 1 vCPU / 1 GB size was confirmed in what was read that day; the larger sizes are " +
      "DigitalOcean's list prices as long published, not re-read: check them at the URL.",
  } satisfies PriceSource,
  /** Smallest first; the table picks the first that fits. */
  sizes: [
    { name: "Basic 1 vCPU / 1 GB", vcpus: 1, memoryGb: 1, perMonth: 6 },
    { name: "Basic 1 vCPU / 2 GB", vcpus: 1, memoryGb: 2, perMonth: 12 },
    { name: "Basic 2 vCPU / 2 GB", vcpus: 2, memoryGb: 2, perMonth: 18 },
    { name: "Basic 2 vCPU / 4 GB", vcpus: 2, memoryGb: 4, perMonth: 24 },
    { name: "Basic 4 vCPU / 8 GB", vcpus: 4, memoryGb: 8, perMonth: 48 },
    { name: "Basic 8 vCPU / 16 GB", vcpus: 8, memoryGb: 16, perMonth: 96 },
  ] satisfies VmSize[],
} as const;
