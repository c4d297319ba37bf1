/**
 * One measured point: `saves` saves at `savesPerSecond`, open loop, to a
 * system with `pool.size` clients connected; then a bounded wait for the
 * stragglers; then the figures. The server's CPU comes from /proc (the whole
 * point, acks included); the load generator watches its own CPU, event-loop
 * delay and send lag, and calls the point invalid when it was the bottleneck.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { ClientPool } from "../load/clients";
import { dueAt, runOpenLoop, type SaveClient } from "../load/writers";
import { foreignCpuMeter, FOREIGN_CPU_BUSY_CORES } from "../lib/machine";
import { CLOCK_TICKS_PER_SECOND, cpuTicksOf } from "../../harness/proc";
import { LatencyHistogram, round, type Percentiles } from "../lib/stats";
import { holdsWithin, now } from "../../harness/wait";
import { PAGE_ACK_DELAY_CAP_MS } from "../load/protocols";
import type { RunningSystem, UsageCounters } from "../systems/types";
import { PointRecorder } from "./recorder";

/**
 * The load generator counts as saturated, and the point as invalid, when its
 * own CPU nears a full core, or when it is busy and its event loop stalls.
 * A stall alone is not enough: a server that falls behind and then flushes a
 * backlog makes bursts that stall the loop without being the loop's fault
 * (the point fails on the server's account), and stalls caused by other
 * processes make the point noisy instead (see lib/machine.ts).
 */
export const LOADGEN_LIMITS = { cpuFraction: 0.85, busyCpuFraction: 0.6, stallMs: 50 } as const;

/** About the size of a real item: a short title, a paragraph of body. */
const ITEM_BODY =
  "Two litres of semi-skimmed milk, a dozen free-range eggs, and whatever bread is freshest; " +
  "check the date on the yoghurt before buying more of it.";
const START_MARGIN_MS = 20;
/** How long past their batching delay the clients' last acks may take to be sent and counted before the point goes on without them. */
const ACK_WAIT_EXTRA_MS = 2_000;
const MIN_DRAIN_MS = 50;

let pointCounter = 0;

export interface PointSpec {
  savesPerSecond: number;
  saves: number;
  drainTimeoutMs: number;
  /** Read the room's counters around the point (not when that would wake a sleeping object first). */
  readUsage?: boolean;
}

export interface LoadgenHealth {
  cpuFraction: number;
  /** The load generator's own CPU per delivery received (parsing, bookkeeping, acks), in µs. */
  cpuUsPerDelivery: number;
  eventLoopDelayP99Ms: number;
  sendLagP99Ms: number;
  saturated: boolean;
}

/** The room's billable work during the point, per save (frames also per client). */
export interface BillablePerSave {
  rowsRead: number;
  rowsWritten: number;
  setAlarmCalls: number;
  alarmRuns: number;
  framesInPerClient: number;
  framesOutPerClient: number;
}

export function usageDelta(before: UsageCounters, after: UsageCounters): UsageCounters | null {
  const delta: UsageCounters = {
    rowsRead: after.rowsRead - before.rowsRead,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    setAlarmCalls: after.setAlarmCalls - before.setAlarmCalls,
    alarmRuns: after.alarmRuns - before.alarmRuns,
    framesIn: after.framesIn - before.framesIn,
    framesOut: after.framesOut - before.framesOut,
  };
  // The counters live in memory: a drop means the object restarted (woke from hibernation) meanwhile.
  return Object.values(delta).some((value) => value < 0) ? null : delta;
}

function perSave(delta: UsageCounters, saves: number, clients: number): BillablePerSave {
  const perClient = saves * Math.max(1, clients);
  return {
    rowsRead: round(delta.rowsRead / saves, 2),
    rowsWritten: round(delta.rowsWritten / saves, 2),
    setAlarmCalls: round(delta.setAlarmCalls / saves, 3),
    alarmRuns: round(delta.alarmRuns / saves, 3),
    framesInPerClient: round(delta.framesIn / perClient, 4),
    framesOutPerClient: round(delta.framesOut / perClient, 4),
  };
}

export interface PointResult {
  clients: number;
  savesPerSecond: number;
  saves: number;
  targetDeliveriesPerSecond: number;
  deliveriesPerSecond: number;
  /** ms from a save's due time to the first client receiving it. */
  toFirst: Percentiles;
  /** ms from a save's due time to the last client receiving it (the save reached everyone). */
  toLast: Percentiles;
  /** ms from due time to each single delivery. */
  perDelivery: Percentiles;
  /** ms from due time to the HTTP answer. */
  saveAnswer: Percentiles;
  reach: number;
  expected: number;
  received: number;
  incompleteSaves: number;
  failedSaves: number;
  firstSaveProblem: string | null;
  duplicates: number;
  gaps: number;
  repeats: number;
  staleReceipts: number;
  unexpectedCloses: number;
  /** Frames clients sent per save per client (Listroom acks, Socket.IO acks). */
  clientFramesPerSavePerClient: number;
  /** From the room's own counters (Listroom with GET /api/usage); null elsewhere or when it restarted. */
  billable: BillablePerSave | null;
  serverCpuMs: number;
  toolingCpuMs: number;
  serverCpuUsPerDelivery: number;
  serverCpuUsPerSave: number;
  /** wrangler's node and the dev proxy's workerd (when the load goes through it) per delivery. */
  toolingCpuUsPerDelivery: number;
  serverCpuCores: number;
  loadgen: LoadgenHealth;
  foreignCpuCores: number;
  quiet: boolean;
  wallSeconds: number;
}

export async function runPoint(
  system: RunningSystem,
  pool: ClientPool,
  writer: SaveClient,
  spec: PointSpec,
): Promise<PointResult> {
  const clients = pool.size;
  const startAt = now() + START_MARGIN_MS;
  const schedule = { startAt, perSecond: spec.savesPerSecond };
  const recorder = new PointRecorder(`bench p${++pointCounter} #`, spec.saves, clients, (index) =>
    dueAt(schedule, index),
  );
  const sendLag = new LatencyHistogram();
  const eventLoop = monitorEventLoopDelay({ resolution: 5 });
  const processes = system.processes();
  const counters = { ...pool.counters };
  const usageBefore = system.usage && spec.readUsage !== false ? await system.usage() : null;
  const serverTicksBefore = cpuTicksOf(processes.server);
  const toolingTicksBefore = cpuTicksOf(processes.tooling);
  const ownCpuBefore = process.cpuUsage();
  const foreign = foreignCpuMeter();
  const wallStart = now();
  eventLoop.enable();
  pool.sink = recorder;

  const outcomes = await runOpenLoop({
    ...schedule,
    count: spec.saves,
    send: (index) => writer.save(recorder.titleOf(index), ITEM_BODY),
    onSent: (_index, lagMs) => sendLag.recordMs(Math.max(0, lagMs)),
  });
  const okSaves = outcomes.filter((outcome) => outcome.ok).length;
  const lastDue = dueAt(schedule, spec.saves - 1);
  const drainMs = Math.max(MIN_DRAIN_MS, lastDue + spec.drainTimeoutMs - now());
  await holdsWithin(() => recorder.complete >= okSaves, { what: "every save to reach every client", timeoutMs: drainMs, pollMs: 5 });
  const cutoff = now();

  pool.sink = null;
  eventLoop.disable();
  const ownCpu = process.cpuUsage(ownCpuBefore);
  // Listroom clients ack up to a batching delay after the last frame; the server's work on those
  // acks belongs to this point, so its CPU and counters are read once every client has sent its
  // last ack and, where the room counts frames, once the room has counted them.
  const ackDelayMs = pool.observedAckDelayMs ?? PAGE_ACK_DELAY_CAP_MS;
  await holdsWithin(() => pool.acksPending() === 0, { what: "the clients' last acks", timeoutMs: ackDelayMs + ACK_WAIT_EXTRA_MS, pollMs: 5 });
  let usageAfter: UsageCounters | null = null;
  if (system.usage && usageBefore) {
    const readUsage = system.usage;
    const framesSent = pool.counters.framesSent - counters.framesSent;
    await holdsWithin(
      async () => {
        usageAfter = await readUsage();
        return usageAfter === null || usageAfter.framesIn - usageBefore.framesIn >= framesSent;
      },
      { what: "the room to count the clients' frames", timeoutMs: ACK_WAIT_EXTRA_MS, pollMs: 20 },
    );
  }
  const wallMs = now() - wallStart;
  const serverCpuMs = ((cpuTicksOf(processes.server) - serverTicksBefore) * 1000) / CLOCK_TICKS_PER_SECOND;
  const toolingCpuMs = ((cpuTicksOf(processes.tooling) - toolingTicksBefore) * 1000) / CLOCK_TICKS_PER_SECOND;
  const foreignCpuCores = foreign();
  let billable: BillablePerSave | null = null;
  if (usageBefore && usageAfter) {
    const delta = usageDelta(usageBefore, usageAfter);
    billable = delta ? perSave(delta, spec.saves, clients) : null;
  }

  const { first, last, incomplete } = recorder.saveLatencies(cutoff);
  const saveAnswer = new LatencyHistogram();
  for (const outcome of outcomes) saveAnswer.recordMs(outcome.latencyMs);
  const expected = spec.saves * clients;
  const received = recorder.received;
  const windowSeconds = spec.saves / spec.savesPerSecond;
  const loadgen: LoadgenHealth = {
    cpuFraction: round((ownCpu.user + ownCpu.system) / 1000 / (cutoff - wallStart)),
    cpuUsPerDelivery: received === 0 ? 0 : round((ownCpu.user + ownCpu.system) / received, 2),
    eventLoopDelayP99Ms: round(eventLoop.percentile(99) / 1e6),
    sendLagP99Ms: sendLag.percentiles().p99,
    saturated: false,
  };
  const stalled = Math.max(loadgen.eventLoopDelayP99Ms, loadgen.sendLagP99Ms) > LOADGEN_LIMITS.stallMs;
  loadgen.saturated =
    loadgen.cpuFraction >= LOADGEN_LIMITS.cpuFraction || (stalled && loadgen.cpuFraction >= LOADGEN_LIMITS.busyCpuFraction);

  const result: PointResult = {
    clients,
    savesPerSecond: round(spec.savesPerSecond),
    saves: spec.saves,
    targetDeliveriesPerSecond: Math.round(spec.savesPerSecond * clients),
    deliveriesPerSecond: Math.round(received / windowSeconds),
    toFirst: first.percentiles(),
    toLast: last.percentiles(),
    perDelivery: recorder.deliveries.percentiles(),
    saveAnswer: saveAnswer.percentiles(),
    reach: expected === 0 ? 1 : round(received / expected, 5),
    expected,
    received,
    incompleteSaves: clients === 0 ? 0 : incomplete,
    failedSaves: spec.saves - okSaves,
    firstSaveProblem: outcomes.find((outcome) => !outcome.ok)?.problem ?? null,
    duplicates: recorder.duplicates,
    gaps: pool.counters.gaps - counters.gaps,
    repeats: pool.counters.repeats - counters.repeats,
    staleReceipts: recorder.stale,
    unexpectedCloses: pool.counters.unexpectedCloses - counters.unexpectedCloses,
    clientFramesPerSavePerClient: expected === 0 ? 0 : round((pool.counters.framesSent - counters.framesSent) / expected, 4),
    billable,
    serverCpuMs: round(serverCpuMs, 1),
    toolingCpuMs: round(toolingCpuMs, 1),
    serverCpuUsPerDelivery: received === 0 ? 0 : round((serverCpuMs * 1000) / received, 2),
    serverCpuUsPerSave: round((serverCpuMs * 1000) / spec.saves, 1),
    toolingCpuUsPerDelivery: received === 0 ? 0 : round((toolingCpuMs * 1000) / received, 2),
    serverCpuCores: round(serverCpuMs / wallMs),
    loadgen,
    foreignCpuCores: round(foreignCpuCores),
    quiet: foreignCpuCores < FOREIGN_CPU_BUSY_CORES,
    wallSeconds: round(wallMs / 1000, 2),
  };
  for (const histogram of [first, last, saveAnswer, sendLag, recorder.deliveries]) histogram.destroy();
  return result;
}
