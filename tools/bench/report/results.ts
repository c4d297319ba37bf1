/**
 * The results file: every figure of a run, plus the comparisons derived from
 * them. One file per day, `tools/bench/results/<YYYY-MM-DD>.json`, holding the
 * latest quick run and the latest full run of that day side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { QuietCheck } from "../lib/machine";
import type { ProfileSummary } from "../lib/profile";
import { round } from "../lib/stats";
import type { Mode, Plan } from "../plan";
import type { SystemRun } from "../run/system";
import type { SystemName } from "../systems/types";
import type { BundleSizes } from "./bundles";

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

/** Every system at one rate and client count, with Listroom's figures divided by each peer's. */
export interface RateComparison {
  rate: number;
  why: "the ladder's first step, which every system ran" | "the highest step every system passed";
  rows: { system: SystemName; verdict: string; toLastP50Ms: number; toLastP99Ms: number; cpuUsPerDelivery: number }[];
  listroomOverPeer: { peer: SystemName; toLastP99: number | null; cpuPerDelivery: number | null }[];
}

export interface Comparison {
  clients: number;
  sustained: { system: SystemName; deliveriesPerSecond: number; stoppedBy: string }[];
  /** Listroom's sustained rate divided by each peer's (null when the peer sustained none). */
  sustainedListroomOverPeer: { peer: SystemName; ratio: number | null }[];
  atRates: RateComparison[];
}

export interface BillableWork {
  /** Per ladder step: the room's own counters per save (framesIn/framesOut also per client). */
  steps: {
    clients: number;
    savesPerSecond: number;
    rowsRead: number;
    rowsWritten: number;
    setAlarmCalls: number;
    alarmRuns: number;
    framesInPerClient: number;
    framesOutPerClient: number;
    /** What the clients counted themselves sending, for comparison with framesIn. */
    clientCountedAcksPerClient: number;
  }[];
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
  errors: string[];
}

function ratio(ours: number | null | undefined, theirs: number | null | undefined): number | null {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined || theirs === 0) return null;
  return round(ours / theirs, 2);
}

function atRate(systems: BenchResults["systems"], clients: number, rate: number, why: RateComparison["why"]): RateComparison {
  const rows = systems.flatMap((system) => {
    const step = system.ladders
      .find((ladder) => ladder.clients === clients)
      ?.steps.find((candidate) => candidate.targetDeliveriesPerSecond === rate);
    return step
      ? [
          {
            system: system.name,
            verdict: step.verdict,
            toLastP50Ms: step.toLast.p50.median,
            toLastP99Ms: step.toLast.p99.median,
            cpuUsPerDelivery: step.serverCpuUsPerDelivery.median,
          },
        ]
      : [];
  });
  const listroom = rows.find((row) => row.system === "listroom");
  return {
    rate,
    why,
    rows,
    listroomOverPeer: rows
      .filter((row) => row.system !== "listroom")
      .map((row) => ({
        peer: row.system,
        toLastP99: ratio(listroom?.toLastP99Ms, row.toLastP99Ms),
        cpuPerDelivery: ratio(listroom?.cpuUsPerDelivery, row.cpuUsPerDelivery),
      })),
  };
}

export function compare(systems: BenchResults["systems"], clientCounts: number[], firstRate: number): Comparison[] {
  return clientCounts.map((clients) => {
    const ladders = systems.map((system) => ({ system, ladder: system.ladders.find((ladder) => ladder.clients === clients) }));
    const passed = ladders.map(
      ({ ladder }) => new Set((ladder?.steps ?? []).filter((step) => step.verdict === "ok").map((step) => step.targetDeliveriesPerSecond)),
    );
    const passedByAll = [...(passed[0] ?? [])].filter((rate) => passed.every((set) => set.has(rate)));
    const highestPassedByAll = passedByAll.length > 0 ? Math.max(...passedByAll) : null;
    const sustained = ladders.map(({ system, ladder }) => ({
      system: system.name,
      deliveriesPerSecond: ladder?.sustainedDeliveriesPerSecond ?? 0,
      stoppedBy: ladder?.stoppedBy ?? "not run",
    }));
    const listroom = sustained.find((entry) => entry.system === "listroom");
    return {
      clients,
      sustained,
      sustainedListroomOverPeer: sustained
        .filter((entry) => entry.system !== "listroom")
        .map((entry) => ({ peer: entry.system, ratio: ratio(listroom?.deliveriesPerSecond, entry.deliveriesPerSecond) })),
      atRates: [
        atRate(systems, clients, firstRate, "the ladder's first step, which every system ran"),
        ...(highestPassedByAll !== null && highestPassedByAll !== firstRate
          ? [atRate(systems, clients, highestPassedByAll, "the highest step every system passed" as const)]
          : []),
      ],
    };
  });
}

export function billableWork(systems: BenchResults["systems"]): BillableWork | null {
  const listroom = systems.find((system) => system.name === "listroom");
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
