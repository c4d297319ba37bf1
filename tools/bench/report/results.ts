/**
 * The results file: every figure of a run, plus the comparisons derived from
 * them. One file per day, `<results folder>/<YYYY-MM-DD>.json`, holding the
 * latest quick run and the latest full run of that day side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { QuietCheck } from "../lib/machine";
import type { ProfileSummary } from "../lib/profile";
import type { Spread } from "../lib/stats";
import type { Mode, Plan } from "../plan";
import type { Bracket } from "../run/ladder";
import type { BillablePerSave } from "../run/point";
import type { SystemRun } from "../run/system";
import type { SystemName } from "../systems/types";
import type { BundleSizes } from "./bundles";
import type { CostTable } from "./cost";

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  node: string;
  /** Cores the load generator and the servers were pinned to, or null without taskset. */
  pinning: { loadGenerator: number; servers: number } | null;
  openFilesLimit: string;
}

/** A ratio of two measured figures, with the range their brackets or spreads allow (null: unbounded that way). */
export interface RatioRange {
  ratio: number | null;
  low: number | null;
  high: number | null;
}

/** Listroom on one runtime against a peer: a bare room on the same runtime, or a Node peer. */
export interface Pairing {
  listroom: SystemName;
  peer: SystemName;
}

/** Every system at one rate and client count, with Listroom's figures divided by each peer's. */
export interface RateComparison {
  rate: number;
  why: "the ladder's first step, which every system ran" | "the highest step every system passed";
  rows: { system: SystemName; verdict: string; toLastP50Ms: number; toLastP99Ms: number; cpuUsPerDelivery: number }[];
  listroomOverPeer: (Pairing & { toLastP99: number | null; cpuPerDelivery: number | null })[];
}

export interface Comparison {
  clients: number;
  sustained: { system: SystemName; deliveriesPerSecond: number; bracket: Bracket; stoppedBy: string }[];
  /** Listroom's sustained rate divided by each peer's, with the range the two brackets allow. */
  sustainedListroomOverPeer: (Pairing & RatioRange)[];
  atRates: RateComparison[];
}

/** Listroom's server CPU against the bare rooms' on the same runtime, per delivery (each floor) and per save alone (the plain one). */
export interface CpuTargets {
  perDeliveryTarget: number;
  perSaveTarget: number;
  rows: {
    runtime: string;
    listroom: SystemName;
    bare: SystemName;
    what: string;
    listroomUs: Spread;
    bareUs: Spread;
    over: RatioRange;
    target: number;
  }[];
}

export interface BillableWork {
  /** Per ladder step: the room's own counters per save (framesIn/framesOut also per client). */
  steps: (BillablePerSave & {
    clients: number;
    savesPerSecond: number;
    /** What the clients counted themselves sending, for comparison with framesIn. */
    clientCountedAcksPerClient: number;
  })[];
  source: "GET /api/usage" | "client side only";
  note: string;
}

export interface BenchResults {
  version: 1;
  mode: Mode;
  command: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: Machine;
  plan: Plan;
  quiet: { allQuiet: boolean; checks: QuietCheck[]; noisyRepeats: number; totalRepeats: number };
  bundles: BundleSizes | null;
  systems: (Omit<SystemRun, "profileFile"> & { profile: ProfileSummary | string | null })[];
  comparisons: Comparison[];
  memoryPerThousandIdleMb: Record<string, number>;
  saveAloneCpuUs: Record<string, number>;
  billableWork: BillableWork | null;
  /** The deployed Worker scripts of the workerd column, as `wrangler deploy --dry-run` built them. */
  workerBundles: { listroom: { bytes: number; gzipBytes: number } | null; bare: { bytes: number; gzipBytes: number } | null };
  cpuTargets: CpuTargets | null;
  cost: CostTable | null;
  errors: string[];
}

/** The production-like Listroom when it ran, else the one under wrangler dev. */
export function billedListroom(systems: BenchResults["systems"]): BenchResults["systems"][number] | undefined {
  return systems.find((system) => system.name === "listroom-workerd") ?? systems.find((system) => system.name === "listroom");
}

export function billableWork(systems: BenchResults["systems"]): BillableWork | null {
  const listroom = billedListroom(systems);
  if (!listroom) return null;
  const steps = listroom.ladders.flatMap((ladder) => ladder.steps);
  const measured = steps.some((step) => step.billable !== null);
  return {
    steps: steps.map((step) => ({
      clients: step.clients,
      savesPerSecond: step.savesPerSecond,
      rowsRead: step.billable?.rowsRead.median ?? Number.NaN,
      rowsWritten: step.billable?.rowsWritten.median ?? (measured ? Number.NaN : 1),
      setAlarmCalls: step.billable?.setAlarmCalls.median ?? Number.NaN,
      alarmRuns: step.billable?.alarmRuns.median ?? Number.NaN,
      framesInPerClient: step.billable?.framesInPerClient.median ?? step.clientFramesPerSavePerClient.median,
      framesOutPerClient: step.billable?.framesOutPerClient.median ?? 1,
      clientCountedAcksPerClient: step.clientFramesPerSavePerClient.median,
    })),
    source: measured ? "GET /api/usage" : "client side only",
    note: measured
      ? "Deltas of the room's counters over each repeat (read before it, and after it once the clients' last batched acks are in), per save; medians over repeats. An alarm round falling inside a repeat shows up as rowsRead and alarmRuns."
      : "No usage route answered: framesIn is what the clients sent, framesOut is 1 per client by design and rowsWritten is 1 per save by design (not measured).",
  };
}

/** Writes this run into the day's file next to the other mode's latest run; returns the path. */
export function writeResults(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${results.startedAt.slice(0, 10)}.json`);
  let day: Partial<Record<Mode, BenchResults>> = {};
  if (existsSync(path)) {
    try {
      day = JSON.parse(readFileSync(path, "utf8")) as Partial<Record<Mode, BenchResults>>;
    } catch {
      day = {};
    }
  }
  day[results.mode] = results;
  writeFileSync(path, `${JSON.stringify(day, null, 2)}\n`);
  return path;
}
