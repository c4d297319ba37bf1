/**
 * A rate ladder at one client count: a warm-up, then each rate `repeats`
 * times, summarised as medians with their spread, climbing until a step
 * fails (p99 over the limit, drops, or a saturated load generator) or the
 * ladder ends.
 */
import type { ClientPool } from "../load/clients";
import type { SaveClient } from "../load/writers";
import { spread, type Spread } from "../lib/stats";
import { delay } from "../../harness/wait";
import { MIN_REACH, P99_LIMIT_MS, type Plan } from "../plan";
import type { RunningSystem } from "../systems/types";
import { runPoint, type BillablePerSave, type PointResult, type PointSpec } from "./point";

const NOISY_RETRY_PAUSE_MS = 1_000;
/** After a failing step, the next waits until the clients have received nothing for this long (at most the timeout). */
const BACKLOG_QUIET_MS = 300;

export type Verdict = "ok" | "p99 over limit" | "drops" | "invalid: load generator saturated" | "server exited";

export interface StepSummary {
  clients: number;
  targetDeliveriesPerSecond: number;
  savesPerSecond: number;
  savesPerRepeat: number;
  repeats: number;
  deliveriesPerSecond: Spread;
  toLast: { p50: Spread; p95: Spread; p99: Spread; max: Spread };
  toFirst: { p50: Spread; p95: Spread; p99: Spread; max: Spread };
  perDelivery: { p50: Spread; p99: Spread };
  saveAnswer: { p50: Spread; p99: Spread };
  reach: Spread;
  duplicates: number;
  gaps: number;
  repeatsOfOrder: number;
  failedSaves: number;
  unexpectedCloses: number;
  serverCpuUsPerDelivery: Spread;
  serverCpuCores: Spread;
  toolingCpuMsPerSecond: Spread;
  toolingCpuUsPerDelivery: Spread;
  clientFramesPerSavePerClient: Spread;
  /** Medians over repeats of the room's own counters per save; null where there are none. */
  billable: Record<keyof BillablePerSave, Spread> | null;
  loadgenCpu: Spread;
  loadgenCpuUsPerDelivery: Spread;
  loadgenEventLoopDelayP99Ms: Spread;
  sendLagP99Ms: Spread;
  loadgenSaturatedRepeats: number;
  /** Repeats kept although others used the machine while they ran. */
  noisyRepeats: number;
  /** Repeats thrown away for that reason and run again. */
  noisyDiscarded: number;
  verdict: Verdict;
}

/**
 * The sustained rate as a bracket: the highest target that passed and the
 * lowest one above it that failed, at most {@link BRACKET_PRECISION} apart
 * once bisected. `fail` is null when nothing above `pass` failed (the ladder
 * top passed); `pass` is null when even the lowest rate tried failed.
 */
export interface Bracket {
  pass: number | null;
  fail: number | null;
  /** Why the step at `fail` failed. */
  failedBy: Verdict | null;
}

export interface Ladder {
  clients: number;
  steps: StepSummary[];
  /** Median deliveries/s of the highest step that passed; 0 if none did. */
  sustainedDeliveriesPerSecond: number;
  bracket: Bracket;
  /** Why the climb stopped. */
  stoppedBy: Verdict | "ladder top reached";
}

/** Bisection stops once the failing rate is within this fraction above the passing one. */
export const BRACKET_PRECISION = 0.1;
/** Bounds on the extra steps: bisections (three halve a 2× gap to under 10 %), and halvings below a failing first rung. */
const MAX_BISECTIONS = 6;
const MAX_DESCENTS = 2;
/** Bisected rates are rounded to this many deliveries/s, so the tables stay readable. */
const RATE_ROUNDING = 100;

/** Even the slowest point sends this many saves. */
const FEWEST_SAVES = 3;

export function pointSpec(plan: Plan, clients: number, deliveriesPerSecond: number, seconds: number): PointSpec {
  const savesPerSecond = deliveriesPerSecond / Math.max(1, clients);
  const wanted = Math.max(plan.minSavesPerPoint, Math.round(savesPerSecond * seconds));
  const longest = Math.max(FEWEST_SAVES, Math.floor(savesPerSecond * plan.maxPointSeconds));
  return { savesPerSecond, saves: Math.min(wanted, longest), drainTimeoutMs: plan.drainTimeoutMs };
}

function billableSummary(points: PointResult[]): Record<keyof BillablePerSave, Spread> | null {
  const counted = points.flatMap((point) => (point.billable ? [point.billable] : []));
  if (counted.length === 0) return null;
  const keys: (keyof BillablePerSave)[] = ["rowsRead", "rowsWritten", "setAlarmCalls", "alarmRuns", "framesInPerClient", "framesOutPerClient"];
  return Object.fromEntries(keys.map((key) => [key, spread(counted.map((entry) => entry[key]))])) as Record<keyof BillablePerSave, Spread>;
}

export function summarize(target: number, points: PointResult[]): StepSummary {
  const of = (pick: (point: PointResult) => number) => spread(points.map(pick));
  const sum = (pick: (point: PointResult) => number) => points.reduce((total, point) => total + pick(point), 0);
  const first = points[0]!;
  const saturated = points.filter((point) => point.loadgen.saturated).length;
  const summary: StepSummary = {
    clients: first.clients,
    targetDeliveriesPerSecond: target,
    savesPerSecond: first.savesPerSecond,
    savesPerRepeat: first.saves,
    repeats: points.length,
    deliveriesPerSecond: of((point) => point.deliveriesPerSecond),
    toLast: {
      p50: of((point) => point.toLast.p50),
      p95: of((point) => point.toLast.p95),
      p99: of((point) => point.toLast.p99),
      max: of((point) => point.toLast.max),
    },
    toFirst: {
      p50: of((point) => point.toFirst.p50),
      p95: of((point) => point.toFirst.p95),
      p99: of((point) => point.toFirst.p99),
      max: of((point) => point.toFirst.max),
    },
    perDelivery: { p50: of((point) => point.perDelivery.p50), p99: of((point) => point.perDelivery.p99) },
    saveAnswer: { p50: of((point) => point.saveAnswer.p50), p99: of((point) => point.saveAnswer.p99) },
    reach: of((point) => point.reach),
    duplicates: sum((point) => point.duplicates),
    gaps: sum((point) => point.gaps),
    repeatsOfOrder: sum((point) => point.repeats),
    failedSaves: sum((point) => point.failedSaves),
    unexpectedCloses: sum((point) => point.unexpectedCloses),
    serverCpuUsPerDelivery: of((point) => point.serverCpuUsPerDelivery),
    serverCpuCores: of((point) => point.serverCpuCores),
    toolingCpuMsPerSecond: of((point) => point.toolingCpuMs / point.wallSeconds),
    toolingCpuUsPerDelivery: of((point) => point.toolingCpuUsPerDelivery),
    clientFramesPerSavePerClient: of((point) => point.clientFramesPerSavePerClient),
    billable: billableSummary(points),
    loadgenCpu: of((point) => point.loadgen.cpuFraction),
    loadgenCpuUsPerDelivery: of((point) => point.loadgen.cpuUsPerDelivery),
    loadgenEventLoopDelayP99Ms: of((point) => point.loadgen.eventLoopDelayP99Ms),
    sendLagP99Ms: of((point) => point.loadgen.sendLagP99Ms),
    loadgenSaturatedRepeats: saturated,
    noisyRepeats: points.filter((point) => !point.quiet).length,
    noisyDiscarded: 0,
    verdict: "ok",
  };
  if (saturated * 2 > points.length) summary.verdict = "invalid: load generator saturated";
  else if (summary.reach.median < MIN_REACH) summary.verdict = "drops";
  else if (summary.toLast.p99.median > P99_LIMIT_MS) summary.verdict = "p99 over limit";
  return summary;
}

export async function repeatPoint(
  system: RunningSystem,
  pool: ClientPool,
  writer: SaveClient,
  plan: Plan,
  target: number,
): Promise<StepSummary> {
  const points: PointResult[] = [];
  let retriesLeft = plan.noisyRetries;
  let discarded = 0;
  while (points.length < plan.repeats && system.exited() === null) {
    const point = await runPoint(system, pool, writer, pointSpec(plan, pool.size, target, plan.pointSeconds));
    await delay(plan.settleMs);
    if (!point.quiet && retriesLeft > 0) {
      retriesLeft--;
      discarded++;
      await delay(NOISY_RETRY_PAUSE_MS);
      continue;
    }
    points.push(point);
  }
  if (points.length === 0) throw new Error(`${system.name}: ${system.exited()}`);
  const summary = summarize(target, points);
  summary.noisyDiscarded = discarded;
  if (system.exited() !== null) summary.verdict = "server exited";
  return summary;
}

/** The rate between two others on a log scale (the bracket shrinks by the same factor whichever way it goes). */
export function midRate(pass: number, fail: number): number {
  const mid = Math.round(Math.sqrt(pass * fail) / RATE_ROUNDING) * RATE_ROUNDING;
  return mid > pass && mid < fail ? mid : Math.round(Math.sqrt(pass * fail));
}

export function bracketIsFine(bracket: Bracket): boolean {
  return bracket.pass === null || bracket.fail === null || bracket.fail <= bracket.pass * (1 + BRACKET_PRECISION);
}

/**
 * Climbs the plan's 2× ladder to its first failure (rides out `failuresToStop − 1`
 * noisy failures), then bisects between the last pass and the first failure to
 * within {@link BRACKET_PRECISION}; below a failing first rung it halves first.
 * No time budget cuts this short: a bracket is the figure the run exists for
 * (the run's hard deadline still ends a hang).
 */
export async function climbLadder(
  system: RunningSystem,
  pool: ClientPool,
  writer: SaveClient,
  plan: Plan,
  log: (line: string) => void,
): Promise<Ladder> {
  const clients = pool.size;
  const first = plan.deliveryLadder[0]!;
  await runPoint(system, pool, writer, pointSpec(plan, clients, first, plan.warmupSeconds));
  await delay(plan.settleMs);
  const ladder: Ladder = {
    clients,
    steps: [],
    sustainedDeliveriesPerSecond: 0,
    bracket: { pass: null, fail: null, failedBy: null },
    stoppedBy: "ladder top reached",
  };
  const run = async (target: number): Promise<StepSummary> => {
    const step = await repeatPoint(system, pool, writer, plan, target);
    ladder.steps.push(step);
    log(`    ${describeStep(step)}`);
    // Bisection goes down after a failure: let the server's backlog drain first, or the next step measures it.
    if (step.verdict !== "ok") await pool.drained(BACKLOG_QUIET_MS, plan.backlogTimeoutMs);
    const { bracket } = ladder;
    if (step.verdict === "ok") {
      if (bracket.pass === null || target > bracket.pass) {
        bracket.pass = target;
        ladder.sustainedDeliveriesPerSecond = step.deliveriesPerSecond.median;
      }
      // A failure at or below a pass was noise; the bracket's top is the lowest failure above it.
      if (bracket.fail !== null && bracket.fail <= target) {
        bracket.fail = null;
        bracket.failedBy = null;
      }
    } else if (bracket.fail === null || target < bracket.fail) {
      if (bracket.pass === null || target > bracket.pass) {
        bracket.fail = target;
        bracket.failedBy = step.verdict;
      }
    }
    return step;
  };

  let failuresInARow = 0;
  for (const [rung, target] of plan.deliveryLadder.entries()) {
    let step = await run(target);
    // One disturbed first rung would send the whole ladder down; it must fail twice to do that.
    if (rung === 0 && step.verdict !== "ok" && step.verdict !== "server exited") step = await run(target);
    if (step.verdict === "ok") {
      failuresInARow = 0;
      continue;
    }
    if (++failuresInARow >= plan.failuresToStop || step.verdict === "server exited") {
      ladder.stoppedBy = step.verdict;
      break;
    }
  }
  const last = ladder.steps.at(-1);
  if (ladder.stoppedBy === "ladder top reached" && last && last.verdict !== "ok") ladder.stoppedBy = last.verdict;
  if (ladder.stoppedBy === "server exited") return ladder;

  for (let descents = 0; ladder.bracket.pass === null && descents < MAX_DESCENTS; descents++) {
    const lowest = Math.min(...ladder.steps.map((step) => step.targetDeliveriesPerSecond));
    if ((await run(Math.round(lowest / 2))).verdict === "server exited") return ladder;
  }
  for (let bisections = 0; !bracketIsFine(ladder.bracket) && bisections < MAX_BISECTIONS; bisections++) {
    const { pass, fail } = ladder.bracket;
    if ((await run(midRate(pass!, fail!))).verdict === "server exited") return ladder;
  }
  return ladder;
}

export function describeStep(step: StepSummary): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    `${step.clients} clients @ ${step.targetDeliveriesPerSecond}/s (${step.savesPerSecond} saves/s):`,
    `got ${step.deliveriesPerSecond.median}/s,`,
    `last p50 ${ms(step.toLast.p50.median)} p99 ${ms(step.toLast.p99.median)} [${step.toLast.p99.min}–${step.toLast.p99.max}],`,
    `reach ${step.reach.median}, dup ${step.duplicates}, gaps ${step.gaps},`,
    `server ${step.serverCpuUsPerDelivery.median} µs/delivery (${step.serverCpuCores.median} cores),`,
    `loadgen ${step.loadgenCpu.median} cpu → ${step.verdict}`,
  ].join(" ");
}
