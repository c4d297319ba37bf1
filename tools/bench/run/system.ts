/**
 * Everything measured on one system, in order: start it; saves with nobody
 * connected (the cost of a save alone); an idle room of `idleClients` left
 * alone (memory at rest, then one save's latency after the quiet, which may
 * wake a hibernated object); a rate ladder at that client count (with a perf
 * profile) and at the smaller ones; the side experiments (through wrangler
 * dev's proxy, other ack batching); ladders at the larger counts; a second
 * instance with wrangler's local observability on. The system and every
 * client are stopped however this ends.
 */
import { join } from "node:path";
import { ClientPool } from "../load/clients";
import { SaveClient } from "../load/writers";
import { waitForQuiet, type QuietCheck } from "../lib/machine";
import { recordProfile } from "../lib/profile";
import { CLOCK_TICKS_PER_SECOND, cpuTicksOf, rssOf } from "../../harness/proc";
import { round, spread, type Spread } from "../lib/stats";
import { delay, now } from "../../harness/wait";
import { CONNECT_TIMEOUT_MS, CONNECTS_PER_SECOND, type Plan } from "../plan";
import type { Provenance } from "../systems/wrangler";
import { isDurableObject, SYSTEM_LABELS, SYSTEMS, type ColdStart, type RunningSystem, type SystemName, type UsageCounters } from "../systems/types";
import { climbLadder, describeStep, repeatPoint, type Ladder, type StepSummary } from "./ladder";
import { runPoint, usageDelta, type PointResult } from "./point";

const MB = 1024 * 1024;
const IDLE_SAVE_DRAIN_MS = 10_000;
const SETTLE_AFTER_START_MS = 1_000;
const SETTLE_AFTER_SHRINK_MS = 1_500;

export interface IdleRun {
  clients: number;
  idleSeconds: number;
  serverRssMb: number;
  /** Server CPU while nothing happened (cores), e.g. timers or housekeeping per connection. */
  serverCpuCoresWhileIdle: number;
  /** The one save after the quiet. */
  save: PointResult;
  /**
   * The object restarted while idle (hibernated and woke for the save): the bare object's
   * counter began again at 1, or Listroom's in-memory usage counters went down. Null where
   * that cannot be seen.
   */
  hibernated: boolean | null;
}

export interface SystemRun {
  name: SystemName;
  label: string;
  origin: string;
  notes: string[];
  provenance: Provenance | null;
  quietBefore: QuietCheck;
  startupSeconds: number;
  memory: {
    serverRssBeforeClientsMb: number;
    serverRssIdleMb: number;
    perThousandIdleConnectionsMb: number;
    toolingRssMb: number;
  };
  /** The first of the saves-alone repeats, in full. */
  saveOnly: PointResult;
  /** Server CPU per save with nobody connected, over `plan.repeats` repeats. */
  saveAloneCpuUsPerSave: Spread;
  /** The room's counters (Listroom only) and the server's CPU per connection while the idle room's clients connected. */
  perConnection: (UsageCounters & { cpuUs: number }) | null;
  coldStart: ColdStart | null;
  idle: IdleRun[];
  ladders: Ladder[];
  /** Through wrangler dev's proxy instead of straight to the runtime. */
  viaProxy: StepSummary | null;
  /** A second instance with wrangler dev's local observability left on (its default). */
  withLocalObservability: { saveOnly: PointResult; step: StepSummary } | null;
  /** Listroom with clients batching acks otherwise than the page, beside the same rate as the page acks. */
  ackWhatIf: {
    deliveriesPerSecond: number;
    pageAckDelayMs: number | null;
    page: StepSummary | null;
    variants: { ackDelayMs: number; step: StepSummary }[];
  } | null;
  /** perf data file, summarised after every system has stopped. */
  profileFile: string | null;
  problems: string[];
}

export interface SystemContext {
  plan: Plan;
  start(options: { localObservability: boolean }): Promise<{ system: RunningSystem; provenance: Provenance | null }>;
  quietBudgetLeft(): number;
  spendQuietBudget(ms: number): void;
  scratchDir: string;
  log(line: string): void;
}

export async function runSystem(name: SystemName, context: SystemContext): Promise<SystemRun> {
  const { plan, log } = context;
  log(`== ${SYSTEM_LABELS[name]}`);
  const quietBefore = await waitForQuiet(context.quietBudgetLeft(), log);
  context.spendQuietBudget(quietBefore.waitedMs);
  log(`  machine ${quietBefore.quiet ? "quiet" : "BUSY"} (load ${quietBefore.loadAverage1m.toFixed(2)}, others ${quietBefore.foreignCpuCores.toFixed(2)} cores)`);
  const startedAt = now();
  const { system, provenance } = await context.start({ localObservability: false });
  const startupSeconds = round((now() - startedAt) / 1000, 1);
  log(`  started in ${startupSeconds} s at ${system.origin}${system.notes.length ? ` (${system.notes.join("; ")})` : ""}`);
  const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
  const writer = new SaveClient(system.origin, system.requestHeaders);
  const problems: string[] = [];
  try {
    await delay(SETTLE_AFTER_START_MS);
    const savesAlone: PointResult[] = [];
    for (let repeat = 0; repeat < plan.repeats; repeat++) {
      savesAlone.push(
        await runPoint(system, pool, writer, {
          savesPerSecond: plan.saveOnly.perSecond,
          saves: Math.round(plan.saveOnly.perSecond * plan.saveOnly.seconds),
          drainTimeoutMs: plan.drainTimeoutMs,
        }),
      );
      await delay(plan.settleMs);
    }
    const saveOnly = savesAlone[0]!;
    const saveAloneCpuUsPerSave = spread(savesAlone.map((point) => point.serverCpuUsPerSave));
    log(`  saves alone: ${saveAloneCpuUsPerSave.median} µs server CPU per save [${saveAloneCpuUsPerSave.min}–${saveAloneCpuUsPerSave.max}], answer p50 ${saveOnly.saveAnswer.p50} ms p99 ${saveOnly.saveAnswer.p99} ms`);
    const rssBefore = rssOf(system.processes().server);

    const usageBeforeConnecting = system.usage ? await system.usage() : null;
    const ticksBeforeConnecting = cpuTicksOf(system.processes().server);
    const grown = await pool.grow(plan.idleClients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
    const perConnection = await usagePerConnection(system, usageBeforeConnecting, ticksBeforeConnecting, grown.opened);
    log(`  ${grown.opened} clients connected in ${grown.seconds.toFixed(1)} s${grown.failed ? `, ${grown.failed} failed (${grown.firstFailure})` : ""}`);
    if (grown.failed > 0) problems.push(`${grown.failed} of ${plan.idleClients} clients failed to connect: ${grown.firstFailure}`);
    const idle = plan.idleRoom.includes(name) ? await idleRuns(system, pool, writer, context) : [];
    const rssIdle = idle[0]?.serverRssMb ?? rssOf(system.processes().server) / MB;

    // The idle room's size and smaller first, then the side experiments, then larger rooms.
    // Every ladder is bracketed in full (run/ladder.ts); the plan's client counts keep the run short.
    const ladders: Ladder[] = [];
    let profileFile: string | null = null;
    const smallFirst = plan.clientCounts.filter((clients) => clients <= plan.idleClients);
    const largeLast = plan.clientCounts.filter((clients) => clients > plan.idleClients);
    const climb = async (clients: number) => {
      await resize(pool, clients, problems, log);
      ladders.push(await climbLadder(system, pool, writer, plan, log));
      if (clients === plan.idleClients && plan.profile.includes(name)) {
        profileFile = await profileUnderLoad(system, pool, writer, context, ladders.at(-1)!);
      }
    };
    for (const clients of smallFirst) await climb(clients);
    await pool.closeAll();

    const viaProxy =
      plan.proxyComparison.includes(name) && system.proxyOrigin !== null ? await throughProxy(system, plan, log) : null;
    let ackWhatIf: SystemRun["ackWhatIf"] = null;
    if (plan.ackWhatIf && name === plan.ackWhatIf.system) {
      const { delaysMs, deliveriesPerSecond } = plan.ackWhatIf;
      const page =
        ladders
          .find((ladder) => ladder.clients === plan.idleClients)
          ?.steps.find((step) => step.targetDeliveriesPerSecond === deliveriesPerSecond) ?? null;
      const variants = [];
      for (const ackDelayMs of delaysMs) {
        variants.push({ ackDelayMs, step: await withAckDelay(system, plan, ackDelayMs, deliveriesPerSecond, log) });
      }
      ackWhatIf = { deliveriesPerSecond, pageAckDelayMs: pool.observedAckDelayMs, page, variants };
    }

    for (const clients of largeLast) await climb(clients);
    await pool.closeAll();
    // A second instance, started once this one is done measuring (it idles, without clients, meanwhile).
    const withLocalObservability = plan.observabilityComparison.includes(name) ? await observabilityOn(context) : null;
    return {
      name,
      label: SYSTEM_LABELS[name],
      origin: system.origin,
      notes: system.notes,
      provenance,
      quietBefore,
      startupSeconds,
      memory: {
        serverRssBeforeClientsMb: round(rssBefore / MB, 1),
        serverRssIdleMb: round(rssIdle, 1),
        perThousandIdleConnectionsMb: round(((rssIdle - rssBefore / MB) / plan.idleClients) * 1000, 1),
        toolingRssMb: round(rssOf(system.processes().tooling) / MB, 1),
      },
      saveOnly,
      saveAloneCpuUsPerSave,
      perConnection,
      coldStart: system.coldStart,
      idle,
      ladders,
      viaProxy,
      withLocalObservability,
      ackWhatIf,
      profileFile,
      problems,
    };
  } catch (error) {
    const logs = system.logs().slice(-2000);
    throw new Error(`${name}: ${(error as Error).stack ?? error}\n--- server output ---\n${logs}`);
  } finally {
    await pool.closeAll();
    writer.close();
    await system.stop();
  }
}

async function resize(pool: ClientPool, clients: number, problems: string[], log: (line: string) => void): Promise<void> {
  if (pool.size > clients) {
    await pool.shrink(clients);
    await delay(SETTLE_AFTER_SHRINK_MS);
    return;
  }
  if (pool.size === clients) return;
  const grown = await pool.grow(clients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
  log(`  now ${pool.readyCount()} clients (${grown.seconds.toFixed(1)} s to connect)`);
  if (grown.failed > 0) problems.push(`${grown.failed} clients failed to connect on the way to ${clients}: ${grown.firstFailure}`);
}

async function idleRuns(system: RunningSystem, pool: ClientPool, writer: SaveClient, context: SystemContext): Promise<IdleRun[]> {
  const { plan, log } = context;
  const durableObject = isDurableObject(system.name);
  const idleSeconds = durableObject ? plan.idleSecondsDurableObject : plan.idleSecondsNode;
  const runs: IdleRun[] = [];
  for (let repeat = 0; repeat < (durableObject ? plan.idleRepeatsDurableObject : 1); repeat++) {
    const usageBefore = system.usage ? await system.usage() : null;
    const ticksBefore = cpuTicksOf(system.processes().server);
    const idleStarted = now();
    await delay(idleSeconds * 1000);
    const serverCpuCoresWhileIdle = round(
      ((cpuTicksOf(system.processes().server) - ticksBefore) * 1000) / CLOCK_TICKS_PER_SECOND / (now() - idleStarted),
      3,
    );
    const serverRssMb = round(rssOf(system.processes().server) / MB, 1);
    const restartsBefore = pool.counters.orderRestarts;
    const save = await runPoint(system, pool, writer, {
      savesPerSecond: 1,
      saves: 1,
      drainTimeoutMs: IDLE_SAVE_DRAIN_MS,
      readUsage: false,
    });
    // Give a late order restart (counted per client) a moment to be seen.
    await delay(context.plan.settleMs);
    let hibernated: boolean | null = null;
    if (SYSTEMS[system.name].app === "bare") hibernated = pool.counters.orderRestarts > restartsBefore;
    if (system.usage && usageBefore) {
      const usageAfter = await system.usage();
      if (usageAfter) hibernated = usageDelta(usageBefore, usageAfter) === null;
    }
    runs.push({ clients: pool.size, idleSeconds, serverRssMb, serverCpuCoresWhileIdle, save, hibernated });
    log(
      `  idle ${idleSeconds} s with ${pool.size} clients: rss ${serverRssMb} MB, ${serverCpuCoresWhileIdle} cores; one save reached all in ${save.toLast.max} ms (first ${save.toFirst.max} ms, reach ${save.reach})${hibernated === null ? "" : hibernated ? ", object had hibernated" : ", object stayed awake"}`,
    );
  }
  return runs;
}

/** The room's counters per connection opened, once the room has counted the handshakes' frames. */
async function usagePerConnection(
  system: RunningSystem,
  before: UsageCounters | null,
  ticksBefore: number,
  opened: number,
): Promise<(UsageCounters & { cpuUs: number }) | null> {
  if (!system.usage || !before || opened === 0) return null;
  await delay(SETTLE_AFTER_START_MS);
  const cpuUs = (((cpuTicksOf(system.processes().server) - ticksBefore) * 1e6) / CLOCK_TICKS_PER_SECOND / opened);
  const after = await system.usage();
  const delta = after ? usageDelta(before, after) : null;
  if (!delta) return null;
  const per = (value: number) => round(value / opened, 3);
  return {
    cpuUs: round(cpuUs, 1),
    rowsRead: per(delta.rowsRead),
    rowsWritten: per(delta.rowsWritten),
    setAlarmCalls: per(delta.setAlarmCalls),
    alarmRuns: per(delta.alarmRuns),
    framesIn: per(delta.framesIn),
    framesOut: per(delta.framesOut),
  };
}

/** Samples the runtime with perf while the system runs the last passing rate of this ladder. */
async function profileUnderLoad(
  system: RunningSystem,
  pool: ClientPool,
  writer: SaveClient,
  context: SystemContext,
  ladder: Ladder,
): Promise<string | null> {
  const { plan, log } = context;
  const passing = ladder.steps.filter((step) => step.verdict === "ok").at(-1) ?? ladder.steps[0];
  const pid = system.processes().server[0];
  if (!passing || pid === undefined) return null;
  const file = join(context.scratchDir, `${system.name}.perf.data`);
  const spec = {
    savesPerSecond: passing.savesPerSecond,
    saves: Math.round(passing.savesPerSecond * (plan.profileSeconds + 1)),
    drainTimeoutMs: plan.drainTimeoutMs,
  };
  const [problem] = await Promise.all([recordProfile(pid, plan.profileSeconds, file), runPoint(system, pool, writer, spec)]);
  await delay(plan.settleMs);
  log(`  profiled ${plan.profileSeconds} s at ${passing.targetDeliveriesPerSecond}/s${problem ? `: ${problem}` : ""}`);
  return problem ? null : file;
}

/** `idleClients` clients that ack `ackDelayMs` after a frame, at one rate. */
async function withAckDelay(
  system: RunningSystem,
  plan: Plan,
  ackDelayMs: number,
  deliveriesPerSecond: number,
  log: (line: string) => void,
): Promise<StepSummary> {
  const pool = new ClientPool(system.origin, system.protocol, ackDelayMs, system.requestHeaders);
  const writer = new SaveClient(system.origin, system.requestHeaders);
  try {
    await pool.grow(plan.idleClients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
    const step = await repeatPoint(system, pool, writer, plan, deliveriesPerSecond);
    log(`  acks after ${ackDelayMs} ms: ${describeStep(step)}`);
    return step;
  } finally {
    await pool.closeAll();
    writer.close();
  }
}

/** The ladder's first rate at `idleClients` clients, through wrangler dev's proxy. */
async function throughProxy(system: RunningSystem, plan: Plan, log: (line: string) => void): Promise<StepSummary> {
  const pool = new ClientPool(system.proxyOrigin!, system.protocol, null, system.requestHeaders);
  const writer = new SaveClient(system.proxyOrigin!, system.requestHeaders);
  try {
    await pool.grow(plan.idleClients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
    const step = await repeatPoint(system, pool, writer, plan, plan.deliveryLadder[0]!);
    log(`  via wrangler dev's proxy: ${describeStep(step)}`);
    return step;
  } finally {
    await pool.closeAll();
    writer.close();
  }
}

/** A fresh instance with wrangler dev's local observability on: saves alone, then the ladder's first rate. */
async function observabilityOn(context: SystemContext): Promise<{ saveOnly: PointResult; step: StepSummary }> {
  const { plan, log } = context;
  const { system } = await context.start({ localObservability: true });
  const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
  const writer = new SaveClient(system.origin, system.requestHeaders);
  try {
    await delay(SETTLE_AFTER_START_MS);
    const saveOnly = await runPoint(system, pool, writer, {
      savesPerSecond: plan.saveOnly.perSecond,
      saves: Math.round(plan.saveOnly.perSecond * plan.saveOnly.seconds),
      drainTimeoutMs: plan.drainTimeoutMs,
    });
    await pool.grow(plan.idleClients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
    const step = await repeatPoint(system, pool, writer, plan, plan.deliveryLadder[0]!);
    log(`  with local observability on: ${saveOnly.serverCpuUsPerSave} µs per save alone; ${describeStep(step)}`);
    return { saveOnly, step };
  } finally {
    await pool.closeAll();
    writer.close();
    await system.stop();
  }
}
