/**
 * The cost table: what three workloads would cost a month on Cloudflare,
 * priced from the billable work the production-like Listroom measured (the
 * room's own counters and the runtime's CPU) at the prices in prices.ts, and
 * beside each the smallest VM that holds the same load with Socket.IO, sized
 * from Socket.IO's measured capacity on this machine. Every assumption the
 * arithmetic makes is written into the table's output.
 */
import { round } from "../lib/stats";
import type { SystemName, UsageCounters } from "../systems/types";
import { DURABLE_OBJECTS, VM_PRICES, WORKERS_PAID, type PriceSource, type VmSize } from "./prices";

const SECONDS_PER_MONTH = 30 * 24 * 3600;
const DAYS_PER_MONTH = 30;
/** One stored item with its index entries, a generous round figure for an item of a title and a paragraph. */
const STORED_BYTES_PER_ITEM = 1_000;
/** A VM runs at most this busy at the workload's peak, leaving room for bursts, GC and the OS. */
const VM_PEAK_UTILISATION = 0.5;
/** Memory the OS and the Node process need before any connection. */
const VM_BASE_MEMORY_GB = 0.35;

export interface Workload {
  name: string;
  lists: number;
  viewersPerList: number;
  savesPerListPerMonth: number;
  /** How many times a viewer opens the list (a socket and the page document) in the month. */
  sessionsPerViewer: number;
  /** Seconds of the month the workload exists (a crowd lasts an hour); the rest of the month it is gone. */
  activeSeconds: number;
  assumptions: string[];
}

export const WORKLOADS: Workload[] = [
  {
    name: "One list, 1,000 viewers, a save a minute",
    lists: 1,
    viewersPerList: 1_000,
    savesPerListPerMonth: DAYS_PER_MONTH * 24 * 60,
    sessionsPerViewer: DAYS_PER_MONTH,
    activeSeconds: SECONDS_PER_MONTH,
    assumptions: ["viewers stay connected all month and reconnect once a day"],
  },
  {
    name: "10,000 lists, 5 viewers each, 10 saves a day",
    lists: 10_000,
    viewersPerList: 5,
    savesPerListPerMonth: DAYS_PER_MONTH * 10,
    sessionsPerViewer: DAYS_PER_MONTH,
    activeSeconds: SECONDS_PER_MONTH,
    assumptions: ["viewers stay connected all month and reconnect once a day", "CPU per delivery as measured at the bench's client count"],
  },
  {
    name: "A crowd of 10,000 viewers for an hour, a save a second",
    lists: 1,
    viewersPerList: 10_000,
    savesPerListPerMonth: 3_600,
    sessionsPerViewer: 1,
    activeSeconds: 3_600,
    assumptions: ["once a month; the VM must still exist all month to receive the crowd", "the object is awake (billed) for the whole hour"],
  },
];

/** What the cost is computed from, all measured by the run. */
export interface MeasuredWork {
  system: SystemName;
  perSave: { rowsRead: number; rowsWritten: number; alarmRuns: number; framesInPerViewer: number; cpuUsAlone: number };
  cpuUsPerDelivery: number;
  perConnection: (UsageCounters & { cpuUs: number }) | null;
  /** Whether the object hibernated during the idle room's quiet (null: not measured). */
  hibernates: boolean | null;
  socketIo: { sustainedDeliveriesPerSecond: number; memoryPerThousandConnectionsMb: number } | null;
}

export interface CostLine {
  item: string;
  quantity: number;
  /** With the month's included usage taken off first. */
  dollars: number;
  /** Every unit at the list price: what the usage adds to an account whose allowances are already spent. */
  marginalDollars: number;
}

export interface CostRow {
  workload: string;
  cloudflare: { total: number; marginalTotal: number; lines: CostLine[] };
  vm: { size: string; count: number; total: number; why: string } | null;
  assumptions: string[];
}

export interface CostTable {
  measured: MeasuredWork;
  rows: CostRow[];
  sources: PriceSource[];
  assumptions: string[];
}

function line(item: string, quantity: number, included: number, perMillion: number): CostLine {
  return {
    item,
    quantity,
    dollars: (Math.max(0, quantity - included) / 1e6) * perMillion,
    marginalDollars: (quantity / 1e6) * perMillion,
  };
}

function cloudflareCost(workload: Workload, work: MeasuredWork): CostRow["cloudflare"] {
  const saves = workload.lists * workload.savesPerListPerMonth;
  const deliveries = saves * workload.viewersPerList;
  const connections = workload.lists * workload.viewersPerList * workload.sessionsPerViewer;
  const perConnection = work.perConnection;
  // A session is the page document (through the Worker for its header) and the socket upgrade.
  const workerRequests = saves + connections * 2;
  const workerCpuMs = (saves * work.perSave.cpuUsAlone + connections * (perConnection?.cpuUs ?? 0)) / 1000;
  const incomingMessages = deliveries * work.perSave.framesInPerViewer + connections * (perConnection?.framesIn ?? 0);
  const objectRequests =
    saves + saves * work.perSave.alarmRuns + connections + incomingMessages / DURABLE_OBJECTS.incomingWebSocketMessagesPerBilledRequest;
  const busySeconds = (saves * (work.perSave.cpuUsAlone + workload.viewersPerList * work.cpuUsPerDelivery) + connections * (perConnection?.cpuUs ?? 0)) / 1e6;
  const crowd = workload.activeSeconds < SECONDS_PER_MONTH;
  const awakeSeconds = crowd ? workload.activeSeconds * workload.lists : work.hibernates === false ? SECONDS_PER_MONTH * workload.lists : busySeconds;
  const gbSeconds = awakeSeconds * DURABLE_OBJECTS.duration.billedGb;
  const rowsWritten = saves * work.perSave.rowsWritten + connections * (perConnection?.rowsWritten ?? 0);
  const rowsRead = saves * work.perSave.rowsRead + connections * (perConnection?.rowsRead ?? 0);
  const storedGb = (saves * STORED_BYTES_PER_ITEM) / 1e9;
  const { requests, cpuMs } = WORKERS_PAID;
  const { duration, rowsRead: read, rowsWritten: written, storage } = DURABLE_OBJECTS;
  const lines: CostLine[] = [
    { item: "Workers Paid subscription", quantity: 1, dollars: WORKERS_PAID.subscriptionPerMonth, marginalDollars: 0 },
    line("Worker requests", workerRequests, requests.includedPerMonth, requests.perMillion),
    line("Worker CPU ms", workerCpuMs, cpuMs.includedPerMonth, cpuMs.perMillion),
    line("DO requests (incoming WebSocket messages at 20:1)", objectRequests, DURABLE_OBJECTS.requests.includedPerMonth, DURABLE_OBJECTS.requests.perMillion),
    line("DO duration GB-s", gbSeconds, duration.includedGbSecondsPerMonth, duration.perMillionGbSeconds),
    line("SQLite rows written", rowsWritten, written.includedPerMonth, written.perMillion),
    line("SQLite rows read", rowsRead, read.includedPerMonth, read.perMillion),
    // Per GB-month rather than per million: scaled so that `line` prices it the same way.
    line("SQLite storage GB-month", storedGb, storage.includedGbMonths, storage.perGbMonth * 1e6),
  ];
  const rounded = lines.map((entry) => ({
    ...entry,
    quantity: round(entry.quantity, 1),
    dollars: round(entry.dollars, 2),
    marginalDollars: round(entry.marginalDollars, 2),
  }));
  return {
    total: round(lines.reduce((sum, entry) => sum + entry.dollars, 0), 2),
    marginalTotal: round(lines.reduce((sum, entry) => sum + entry.marginalDollars, 0), 2),
    lines: rounded,
  };
}

function vmFor(workload: Workload, work: MeasuredWork): CostRow["vm"] {
  const socketIo = work.socketIo;
  if (!socketIo || socketIo.sustainedDeliveriesPerSecond <= 0) return null;
  const peakDeliveriesPerSecond = (workload.viewersPerList * workload.savesPerListPerMonth * workload.lists) / workload.activeSeconds;
  const vcpus = Math.max(1, Math.ceil(peakDeliveriesPerSecond / (socketIo.sustainedDeliveriesPerSecond * VM_PEAK_UTILISATION)));
  const connections = workload.lists * workload.viewersPerList;
  const memoryGb = VM_BASE_MEMORY_GB + (connections / 1000) * (socketIo.memoryPerThousandConnectionsMb / 1024);
  const sizes: readonly VmSize[] = VM_PRICES.sizes;
  const largest = sizes.at(-1)!;
  const fits = sizes.find((size) => size.vcpus >= vcpus && size.memoryGb >= memoryGb);
  const size = fits ?? largest;
  const count = fits ? 1 : Math.max(Math.ceil(vcpus / largest.vcpus), Math.ceil(memoryGb / largest.memoryGb));
  const why =
    `peak ${round(peakDeliveriesPerSecond, 1)} deliveries/s needs ${vcpus} vCPU at ≤ ${VM_PEAK_UTILISATION * 100} % ` +
    `(Socket.IO sustained ${socketIo.sustainedDeliveriesPerSecond}/s on one core here); ` +
    `${connections.toLocaleString("en-US")} sockets need ${round(memoryGb, 2)} GB` +
    (vcpus > 1 ? "; more than one core means one Node process per core and a Socket.IO adapter (e.g. Redis), not priced" : "");
  return { size: size.name, count, total: size.perMonth * count, why };
}

export function costTable(work: MeasuredWork): CostTable {
  return {
    measured: work,
    rows: WORKLOADS.map((workload) => ({
      workload: workload.name,
      cloudflare: cloudflareCost(workload, work),
      vm: vmFor(workload, work),
      assumptions: workload.assumptions,
    })),
    sources: [WORKERS_PAID.source, DURABLE_OBJECTS.source, VM_PRICES.source],
    assumptions: [
      "30-day month; each workload is the account's only use, so it gets every included allowance (the $5 subscription is the minimum bill).",
      "A session is two Worker requests: the page document (it passes the Worker for its HSTS header; other static files are free) and the socket upgrade (also one DO request).",
      "Worker CPU: the whole server CPU of a save with nobody connected is charged as Worker CPU, an overestimate (part of it is the object's, billed as duration instead).",
      "DO duration: the object is billed only while it handles events, taken as equal to the CPU it burns there (SQLite is local and synchronous; nothing waits on the network). If the idle room showed the object not hibernating, it is billed the whole month instead.",
      `Storage: ${STORED_BYTES_PER_ITEM} bytes per item (row and index), one month of items kept.`,
      "Egress: none on Cloudflare; the VM's included transfer (1 TB and up) covers these loads.",
    ],
  };
}
