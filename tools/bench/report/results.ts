/**
 * The results file: every figure of a run, plus the comparisons derived from
 * them. One file per day, `<results folder>/<YYYY-MM-DD>.json`, holding the
 * latest quick run and the latest full run of that day side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { QuietCheck } from "../lib/machine";
import type { ProfileSummary } from "../lib/profile";
import { round, type Spread } from "../lib/stats";
import type { Mode, Plan } from "../plan";
import type { Bracket } from "../run/ladder";
import type { BillablePerSave } from "../run/point";
import type { SystemRun } from "../run/system";
import { bareTwinOf, isListroom, SYSTEMS, type SystemName } from "../systems/types";
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

/** Listroom on one runtime against a peer: the bare room on the same runtime, or a Node peer. */
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

/** Listroom's server CPU against the bare room's on the same runtime, per delivery and per save alone. */
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

/** Peers Listroom on `listroom`'s runtime is divided by: its bare twin, then the Node peers. */
export function pairingsOf(names: readonly SystemName[]): Pairing[] {
  return names.filter(isListroom).flatMap((listroom) =>
    names
      .filter((peer) => peer === bareTwinOf(listroom) || SYSTEMS[peer].runtime === "node")
      .map((peer) => ({ listroom, peer })),
  );
}

/** ours ÷ theirs where each lies in [low, high) (high null: unbounded). */
export function rangeRatio(ours: { value: number | null; low: number | null; high: number | null }, theirs: { value: number | null; low: number | null; high: number | null }): RatioRange {
  const divide = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
  return { ratio: divide(ours.value, theirs.value), low: divide(ours.low, theirs.high), high: divide(ours.high, theirs.low) };
}

export function spreadRatio(ours: Spread, theirs: Spread): RatioRange {
  return rangeRatio({ value: ours.median, low: ours.min, high: ours.max }, { value: theirs.median, low: theirs.min, high: theirs.max });
}

/** The highest passing target and the lowest failing one above it, from a ladder's steps. */
export function bracketOfSteps(steps: readonly { targetDeliveriesPerSecond: number; verdict: string }[]): Bracket {
  const passes = steps.filter((step) => step.verdict === "ok").map((step) => step.targetDeliveriesPerSecond);
  const pass = passes.length > 0 ? Math.max(...passes) : null;
  const failing = steps
    .filter((step) => step.verdict !== "ok" && (pass === null || step.targetDeliveriesPerSecond > pass))
    .sort((a, b) => a.targetDeliveriesPerSecond - b.targetDeliveriesPerSecond)[0];
  return { pass, fail: failing?.targetDeliveriesPerSecond ?? null, failedBy: (failing?.verdict as Bracket["failedBy"]) ?? null };
}

function bracketRatio(ours: Bracket, theirs: Bracket): RatioRange {
  return rangeRatio({ value: ours.pass, low: ours.pass, high: ours.fail }, { value: theirs.pass, low: theirs.pass, high: theirs.fail });
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
  const rowOf = (name: SystemName) => rows.find((row) => row.system === name);
  return {
    rate,
    why,
    rows,
    listroomOverPeer: pairingsOf(rows.map((row) => row.system)).map(({ listroom, peer }) => ({
      listroom,
      peer,
      toLastP99: ratio(rowOf(listroom)?.toLastP99Ms, rowOf(peer)?.toLastP99Ms),
      cpuPerDelivery: ratio(rowOf(listroom)?.cpuUsPerDelivery, rowOf(peer)?.cpuUsPerDelivery),
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
    const noBracket: Bracket = { pass: null, fail: null, failedBy: null };
    const sustained = ladders.map(({ system, ladder }) => ({
      system: system.name,
      deliveriesPerSecond: ladder?.sustainedDeliveriesPerSecond ?? 0,
      // Results from before brackets carry none: derive it from their steps.
      bracket: ladder ? (ladder.bracket ?? bracketOfSteps(ladder.steps)) : noBracket,
      stoppedBy: ladder?.stoppedBy ?? "not run",
    }));
    const bracketOf = (name: SystemName) => sustained.find((entry) => entry.system === name)?.bracket ?? noBracket;
    return {
      clients,
      sustained,
      sustainedListroomOverPeer: pairingsOf(sustained.map((entry) => entry.system)).map((pairing) => ({
        ...pairing,
        ...bracketRatio(bracketOf(pairing.listroom), bracketOf(pairing.peer)),
      })),
      atRates: [
        atRate(systems, clients, firstRate, "the ladder's first step, which every system ran"),
        ...(highestPassedByAll !== null && highestPassedByAll !== firstRate
          ? [atRate(systems, clients, highestPassedByAll, "the highest step every system passed" as const)]
          : []),
      ],
    };
  });
}

/** Per delivery at every rate both ran, and per save alone, for each runtime's Listroom and bare room. */
export function cpuTargets(systems: BenchResults["systems"], idleClients: number): CpuTargets | null {
  const perDeliveryTarget = 1.1;
  const perSaveTarget = 1.5;
  const rows: CpuTargets["rows"] = [];
  for (const listroom of systems.filter((system) => isListroom(system.name))) {
    const bare = systems.find((system) => system.name === bareTwinOf(listroom.name));
    if (!bare) continue;
    const runtime = SYSTEMS[listroom.name].runtime;
    const ladderOf = (system: typeof listroom) => system.ladders.find((ladder) => ladder.clients === idleClients);
    const ours = ladderOf(listroom);
    const theirs = ladderOf(bare);
    // CPU per delivery means something whether or not the step kept p99 within the limit, so long
    // as the measurement itself held (the load generator kept up and the server ran throughout).
    const measured = (step: { verdict: string }) => !step.verdict.startsWith("invalid") && step.verdict !== "server exited";
    const common = (ours?.steps ?? []).filter(measured).flatMap((step) => {
      const twin = theirs?.steps.find((candidate) => candidate.targetDeliveriesPerSecond === step.targetDeliveriesPerSecond && measured(candidate));
      return twin ? [{ step, twin }] : [];
    });
    for (const { step, twin } of common) {
      rows.push({
        runtime,
        listroom: listroom.name,
        bare: bare.name,
        what: `per delivery, ${idleClients} clients at ${step.targetDeliveriesPerSecond}/s${step.verdict === "ok" && twin.verdict === "ok" ? "" : " (p99 over the limit for one of them)"}`,
        listroomUs: step.serverCpuUsPerDelivery,
        bareUs: twin.serverCpuUsPerDelivery,
        over: spreadRatio(step.serverCpuUsPerDelivery, twin.serverCpuUsPerDelivery),
        target: perDeliveryTarget,
      });
    }
    if (listroom.saveAloneCpuUsPerSave && bare.saveAloneCpuUsPerSave) {
      rows.push({
        runtime,
        listroom: listroom.name,
        bare: bare.name,
        what: "per save, nobody connected",
        listroomUs: listroom.saveAloneCpuUsPerSave,
        bareUs: bare.saveAloneCpuUsPerSave,
        over: spreadRatio(listroom.saveAloneCpuUsPerSave, bare.saveAloneCpuUsPerSave),
        target: perSaveTarget,
      });
    }
  }
  return rows.length > 0 ? { perDeliveryTarget, perSaveTarget, rows } : null;
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
