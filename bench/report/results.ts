/**
 * The results file: every figure of a run, plus the comparisons derived from
 * them. One file per day, `bench/results/<YYYY-MM-DD>.json`, holding the
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

export interface Comparison {
  clients: number;
  /** The highest target rate every system passed at this client count. */
  commonRate: number | null;
  rows: {
    system: SystemName;
    sustainedDeliveriesPerSecond: number;
    stoppedBy: string;
    toLastP99AtCommonMs: number | null;
    cpuUsPerDeliveryAtCommon: number | null;
  }[];
  /** Listroom's figure divided by each peer's. */
  listroomOverPeer: {
    peer: SystemName;
    sustained: number | null;
    toLastP99AtCommon: number | null;
    cpuPerDeliveryAtCommon: number | null;
  }[];
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

export function compare(systems: BenchResults["systems"], clientCounts: number[]): Comparison[] {
  return clientCounts.map((clients) => {
    const ladders = systems.map((system) => ({ system, ladder: system.ladders.find((ladder) => ladder.clients === clients) }));
    const passedBy = ladders.map(
      ({ ladder }) => new Set((ladder?.steps ?? []).filter((step) => step.verdict === "ok").map((step) => step.targetDeliveriesPerSecond)),
    );
    const candidates = [...(passedBy[0] ?? new Set<number>())].filter((rate) => passedBy.every((passed) => passed.has(rate)));
    const commonRate = candidates.length > 0 ? Math.max(...candidates) : null;
    const rows = ladders.map(({ system, ladder }) => {
      const atCommon = ladder?.steps.find((step) => step.targetDeliveriesPerSecond === commonRate);
      return {
        system: system.name,
        sustainedDeliveriesPerSecond: ladder?.sustainedDeliveriesPerSecond ?? 0,
        stoppedBy: ladder?.stoppedBy ?? "not run",
        toLastP99AtCommonMs: atCommon?.toLast.p99.median ?? null,
        cpuUsPerDeliveryAtCommon: atCommon?.serverCpuUsPerDelivery.median ?? null,
      };
    });
    const listroom = rows.find((row) => row.system === "listroom");
    const ratio = (ours: number | null | undefined, theirs: number | null) =>
      ours === null || ours === undefined || theirs === null || theirs === 0 ? null : round(ours / theirs, 2);
    return {
      clients,
      commonRate,
      rows,
      listroomOverPeer: rows
        .filter((row) => row.system !== "listroom")
        .map((row) => ({
          peer: row.system,
          sustained: ratio(listroom?.sustainedDeliveriesPerSecond, row.sustainedDeliveriesPerSecond),
          toLastP99AtCommon: ratio(listroom?.toLastP99AtCommonMs, row.toLastP99AtCommonMs),
          cpuPerDeliveryAtCommon: ratio(listroom?.cpuUsPerDeliveryAtCommon, row.cpuUsPerDeliveryAtCommon),
        })),
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
      ? "Deltas of the room's counters over each repeat (read before it and ~200 ms after, once the last batched acks are in), per save; medians over repeats. An alarm round falling inside a repeat shows up as rowsRead and alarmRuns."
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
