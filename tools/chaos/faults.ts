/**
 * The fault phase: for a fixed time, saves go out through the writers'
 * Outboxes while clients are disconnected, silenced and restarted under. What
 * happens and to whom comes from the seeded stream; when it happens is wall
 * time, so a replay repeats the plan, not the exact interleaving.
 */
import { PAGE_DEFAULT_LIMIT } from "../../src/protocol/limits";
import type { Cast } from "./cast";
import type { RunConfig } from "./config";
import { checkDurability } from "./durability";
import type { History, SaveFaults, SilenceKind } from "./history";
import type { FaultProxy } from "./proxy";
import type { Prng } from "./random";
import type { SimClient } from "./simClient";
import { delay, holdsWithin } from "../harness/wait";
import type { WranglerDev } from "../harness/wranglerDev";

/** Saves are planned in the first part of the phase, so the last ones have time to land before settling. */
const SAVE_WINDOW_SHARE = 0.9;
/** Silences start early enough to end (with a drop) inside the phase. */
const SILENCE_WINDOW = [0.05, 0.8] as const;
/** A silence not ended by a drop in this long is ended anyway, and checked for a drop that was owed. */
const SILENCE_LIMIT_MS = 20_000;
/** The server stays down a random while up to this before it is started again. */
const DOWNTIME_MAX_MS = 1_500;
const PROGRESS_EVERY_MS = 15_000;

const SAVE_FAULT_RATES = { loseFirstAnswer: 0.05, repeatAfterSave: 0.05, raceDuplicate: 0.03 };

export interface FaultContext {
  config: RunConfig;
  cast: Cast;
  proxy: FaultProxy;
  server: WranglerDev;
  history: History;
  prng: Prng;
  log(line: string): void;
}

export interface FaultCounts {
  savesPlanned: number;
  terminated: number;
  abandoned: number;
  proxyCuts: number;
  temporarySilences: number;
  vanished: number;
  restarts: number;
  /** Items saved while the long-absent client was away (0 without --long-absence). */
  savedDuringLongAbsence: number;
  lostAnswersPlanned: number;
  repeatsPlanned: number;
  racesPlanned: number;
}

function emptyCounts(): FaultCounts {
  return {
    savesPlanned: 0,
    terminated: 0,
    abandoned: 0,
    proxyCuts: 0,
    temporarySilences: 0,
    vanished: 0,
    restarts: 0,
    savedDuringLongAbsence: 0,
    lostAnswersPlanned: 0,
    repeatsPlanned: 0,
    racesPlanned: 0,
  };
}

export function disconnectsOf(counts: FaultCounts): number {
  return counts.terminated + counts.abandoned + counts.proxyCuts;
}

function until(at: number): Promise<void> {
  return delay(at - Date.now());
}

async function saves(ctx: FaultContext, start: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("saves");
  const window = ctx.config.faultPhaseMs * SAVE_WINDOW_SHARE;
  const times = Array.from({ length: ctx.config.saves }, () => start + prng.next() * window).sort((a, b) => a - b);
  for (const [number, at] of times.entries()) {
    const faults: SaveFaults = {
      loseFirstAnswer: prng.chance(SAVE_FAULT_RATES.loseFirstAnswer),
      repeatAfterSave: prng.chance(SAVE_FAULT_RATES.repeatAfterSave),
      raceDuplicate: prng.chance(SAVE_FAULT_RATES.raceDuplicate),
    };
    const writer = prng.pick(ctx.cast.writers);
    await until(at);
    writer.add({ number, faults });
    counts.savesPlanned++;
    counts.lostAnswersPlanned += Number(faults.loseFirstAnswer);
    counts.repeatsPlanned += Number(faults.repeatAfterSave);
    counts.racesPlanned += Number(faults.raceDuplicate);
  }
}

function disconnect(ctx: FaultContext, client: SimClient, prng: Prng, counts: FaultCounts): void {
  const roll = prng.next();
  const tag = client.currentTag;
  if (client.record.role.proxied && tag !== null && roll < 0.3) {
    client.markProxyCut();
    if (ctx.proxy.cut(tag)) counts.proxyCuts++;
  } else if (roll < 0.65) {
    client.terminate();
    counts.terminated++;
  } else {
    client.abandon();
    counts.abandoned++;
  }
}

/** Paced so that the target is met over whatever time is left, which absorbs the server's downtime. */
async function disconnects(ctx: FaultContext, deadline: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("disconnects");
  const target = ctx.config.disconnects;
  while (Date.now() < deadline && disconnectsOf(counts) < target) {
    const remaining = target - disconnectsOf(counts);
    await delay(((deadline - Date.now()) / (remaining + 1)) * prng.between(0.5, 1.5));
    const eligible = ctx.cast.clients.filter((client) => client.canTakeFault);
    if (eligible.length > 0 && Date.now() < deadline) disconnect(ctx, prng.pick(eligible), prng, counts);
  }
}

/** One of `candidates()`, at random, once there is one; null if none comes before `deadline`. */
async function pickWhenThere(candidates: () => SimClient[], deadline: number, prng: Prng): Promise<SimClient | null> {
  const found = await holdsWithin(() => candidates().length > 0, {
    what: "a client that can take the fault",
    timeoutMs: Math.max(0, deadline - Date.now()),
    pollMs: 250,
  });
  return found ? prng.pick(candidates()) : null;
}

async function silenceOne(ctx: FaultContext, kind: SilenceKind, at: number, deadline: number, counts: FaultCounts, prng: Prng): Promise<void> {
  await until(at);
  // Silent clients are direct, not writers: their frame counts must not be blurred by the proxy.
  // The long-absent client is left alone, so that nothing hides what its absence did to its list.
  const candidates = () =>
    ctx.cast.clients.filter(
      (client) =>
        client.canTakeFault &&
        !client.record.role.proxied &&
        !client.record.role.writer &&
        !client.record.silences.some((silence) => silence.kind === "away"),
    );
  const client = await pickWhenThere(candidates, deadline, prng);
  if (!client) return;
  client.goSilent(kind);
  if (kind === "forever") counts.vanished++;
  else counts.temporarySilences++;
  await holdsWithin(() => !client.isSilent, { what: `client ${client.index}'s silence to end`, timeoutMs: SILENCE_LIMIT_MS, pollMs: 50 });
  if (client.isSilent) {
    client.endSilence("timeout");
    if (kind === "forever") {
      client.record.stoppedForGood = true;
      client.stop();
    }
  }
}

async function silences(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("silences");
  const phase = ctx.config.faultPhaseMs;
  const kinds: SilenceKind[] = [
    ...Array.from({ length: ctx.config.silences }, () => "temporary" as const),
    ...Array.from({ length: ctx.config.vanishing }, () => "forever" as const),
  ];
  await Promise.all(
    kinds.map((kind, i) => {
      const at = start + phase * prng.between(SILENCE_WINDOW[0], SILENCE_WINDOW[1]);
      return silenceOne(ctx, kind, at, deadline, counts, prng.fork(`silence ${i}`));
    }),
  );
}

function confirmedSaves(history: History): number {
  let confirmed = 0;
  for (const save of history.saves.values()) if (save.confirmedIds.length > 0) confirmed++;
  return confirmed;
}

/** A client is dropped, stays away while more than a snapshot's worth of items is saved, then comes back. */
async function longAbsence(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  if (!ctx.config.longAbsence) return;
  const prng = ctx.prng.fork("long absence");
  await until(start + ctx.config.faultPhaseMs * 0.1);
  const candidates = () =>
    ctx.cast.clients.filter((client) => client.canTakeFault && !client.record.role.proxied && !client.record.role.writer);
  const client = await pickWhenThere(candidates, deadline, prng);
  if (!client) return;
  client.goSilent("away");
  await holdsWithin(() => client.isAway || !client.isSilent, {
    what: `client ${client.index} to be dropped`,
    timeoutMs: SILENCE_LIMIT_MS,
    pollMs: 50,
  });
  if (!client.isAway) {
    client.endSilence("timeout");
    return;
  }
  ctx.log(`client ${client.index} was dropped and is away until ${PAGE_DEFAULT_LIMIT} more items are saved`);
  const before = confirmedSaves(ctx.history);
  await holdsWithin(() => confirmedSaves(ctx.history) - before > PAGE_DEFAULT_LIMIT + 10, {
    what: "more than a snapshot's worth of saves",
    timeoutMs: Math.max(0, deadline - Date.now()),
    pollMs: 250,
  });
  counts.savedDuringLongAbsence = confirmedSaves(ctx.history) - before;
  ctx.log(`client ${client.index} comes back after ${counts.savedDuringLongAbsence} saves`);
  client.comeBack();
}

async function restarts(ctx: FaultContext, start: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("restarts");
  const count = ctx.config.restarts;
  const spacing = ctx.config.faultPhaseMs / (count + 1);
  for (let i = 0; i < count; i++) {
    await until(start + spacing * (i + 1) + spacing * prng.between(-0.2, 0.2));
    const record = { killedAt: Date.now(), answeringAt: null as number | null };
    ctx.history.restarts.push(record);
    ctx.log(`restart ${i + 1}/${count}: SIGKILL to wrangler and workerd`);
    await ctx.server.kill();
    await delay(prng.int(0, DOWNTIME_MAX_MS));
    await ctx.server.start();
    record.answeringAt = Date.now();
    counts.restarts++;
    ctx.log(`restart ${i + 1}/${count}: answering again after ${((record.answeringAt - record.killedAt) / 1000).toFixed(1)} s`);
    await checkDurability(ctx.history, ctx.server.baseUrl, `after restart ${i + 1}`, record.killedAt);
  }
}

async function progress(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  while (Date.now() + PROGRESS_EVERY_MS < deadline) {
    await delay(PROGRESS_EVERY_MS);
    const confirmed = [...ctx.history.saves.values()].filter((save) => save.confirmedIds.length > 0).length;
    const live = ctx.cast.clients.filter((client) => client.isLive).length;
    ctx.log(
      `t+${Math.round((Date.now() - start) / 1000)} s: ${confirmed}/${counts.savesPlanned} saves confirmed, ` +
        `${disconnectsOf(counts)} disconnects, ${counts.restarts} restarts, ${live} clients live`,
    );
  }
}

export async function runFaultPhase(ctx: FaultContext): Promise<FaultCounts> {
  const counts = emptyCounts();
  const start = Date.now();
  const deadline = start + ctx.config.faultPhaseMs;
  await Promise.all([
    saves(ctx, start, counts),
    disconnects(ctx, deadline, counts),
    silences(ctx, start, deadline, counts),
    restarts(ctx, start, counts),
    longAbsence(ctx, start, deadline, counts),
    progress(ctx, start, deadline, counts),
  ]);
  return counts;
}
