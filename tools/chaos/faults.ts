/**
 * The fault phase: for a fixed time, saves, edits, ticks and removals go out through
 * the writers' Outboxes, and field writers change their own items field by field (fieldPlan.ts), while clients are disconnected, silenced, paused and restarted
 * under, give up resume attempts while connecting, and a crowd arrives. What
 * happens and to whom comes from the seeded stream; when it happens is wall
 * time, so a replay repeats the plan, not the exact interleaving.
 */
import { PAGE_DEFAULT_LIMIT } from "../../src/protocol/limits";
import type { Cast } from "./cast";
import type { RunConfig } from "./config";
import { checkDurability } from "./durability";
import type { ChangeFaults, History, SaveFaults, SaveRecord, SilenceKind } from "./history";
import type { FaultProxy } from "./proxy";
import type { Prng } from "./random";
import type { SimClient } from "./simClient";
import type { PlannedChange, Writer } from "./writer";
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

/** A paused reader stops reading for a random while in this range. */
const PAUSE_MS = [500, 4_000] as const;
/** Pauses and random abandons happen in this part of the phase, so that they end inside it. */
const PAUSE_WINDOW = [0.05, 0.85] as const;
/** The crowd arrives around the middle of the phase, within this long. */
const CROWD_AT = [0.4, 0.6] as const;
const CROWD_SPREAD_MS = 1_000;
/** An attempt is abandoned this soon after its TCP connection is up, while its upgrade is (most likely) in flight. */
const ABANDON_AFTER_CONNECT_MS = [0, 40] as const;

const SAVE_FAULT_RATES = { loseFirstAnswer: 0.05, repeatAfterSave: 0.05, raceDuplicate: 0.03 };
const CHANGE_FAULT_RATES = { loseFirstAnswer: 0.05, raceDuplicate: 0.03 };
/** Edits and removals start once there is something to change, and stop with the saves. */
const CHANGE_WINDOW = [0.05, SAVE_WINDOW_SHARE] as const;
/** How a writer picks what to change: its own item (edit key) this often, else anyone's (owner key). */
const OWN_ITEM_SHARE = 0.6;
/** This often, its own save still queued (the change waits in the Outbox for the save's answer). */
const QUEUED_SAVE_SHARE = 0.1;
/** This often, an item already removed (an edit then answers 404, a removal 204 again). */
const REMOVED_ITEM_SHARE = 0.05;
/** This often, an edit sends If-Match with the version the writer's list shows (a 412 is then a fair answer). */
const IF_MATCH_SHARE = 0.2;

export interface FaultContext {
  config: RunConfig;
  cast: Cast;
  proxy: FaultProxy;
  server: WranglerDev;
  /** The run's list's items endpoint. */
  itemsUrl: string;
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
  /** Fresh clients that arrived in the crowd. */
  crowdArrived: number;
  pauses: number;
  /** Clients told to abandon their next attempt: at random, and every running client before each restart. */
  abandonsArmed: number;
  abandonsArmedAtRestarts: number;
  /** Items saved while the long-absent client was away (0 without --long-absence). */
  savedDuringLongAbsence: number;
  lostAnswersPlanned: number;
  repeatsPlanned: number;
  racesPlanned: number;
  editsPlanned: number;
  ticksPlanned: number;
  removalsPlanned: number;
  /** Changes made with the list's owner key (anyone's item), rather than an edit key. */
  ownerKeyChanges: number;
  /** Changes queued behind their item's save, before its answer named the item. */
  changesOfQueuedSaves: number;
  /** Changes of an item a removal had already been planned for. */
  changesOfRemoved: number;
  /** Planned changes with nothing to change at their moment (no save answered yet). */
  changesSkipped: number;
  changeFaultsPlanned: number;
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
    crowdArrived: 0,
    pauses: 0,
    abandonsArmed: 0,
    abandonsArmedAtRestarts: 0,
    savedDuringLongAbsence: 0,
    lostAnswersPlanned: 0,
    repeatsPlanned: 0,
    racesPlanned: 0,
    editsPlanned: 0,
    ticksPlanned: 0,
    removalsPlanned: 0,
    ownerKeyChanges: 0,
    changesOfQueuedSaves: 0,
    changesOfRemoved: 0,
    changesSkipped: 0,
    changeFaultsPlanned: 0,
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

interface ChangeTarget {
  save: SaveRecord;
  credential: PlannedChange["credential"];
  queued: boolean;
}

/** What `writer` changes now: its own item, a save of its still queued, anyone's item, or one already removed. */
function pickTarget(ctx: FaultContext, writer: Writer, removalPlanned: ReadonlySet<string>, prng: Prng): ChangeTarget | null {
  // A field writer's items are the field writers' alone (fieldPlan.ts).
  const saves = [...ctx.history.saves.values()].filter((save) => !save.fieldItem);
  const answered = saves.filter((save) => save.confirmedIds.length > 0);
  const live = answered.filter((save) => !removalPlanned.has(save.key));
  const own = live.filter((save) => writer.holdsEditKey(save.confirmedIds[0]!));
  const queued = saves.filter((save) => save.writer === writer.index && save.confirmedIds.length === 0 && save.rejection === null);
  const roll = prng.next();
  if (roll < REMOVED_ITEM_SHARE && answered.length > live.length) {
    return { save: prng.pick(answered.filter((save) => removalPlanned.has(save.key))), credential: "owner key", queued: false };
  }
  if (roll < REMOVED_ITEM_SHARE + QUEUED_SAVE_SHARE && queued.length > 0) return { save: prng.pick(queued), credential: "edit key", queued: true };
  if (prng.chance(OWN_ITEM_SHARE) && own.length > 0) return { save: prng.pick(own), credential: "edit key", queued: false };
  return live.length > 0 ? { save: prng.pick(live), credential: "owner key", queued: false } : null;
}

/** Edits and removals, spread over the save window, by writers picked at random. */
async function changes(ctx: FaultContext, start: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("changes");
  const phase = ctx.config.faultPhaseMs;
  const kinds: PlannedChange["kind"][] = [
    ...Array.from({ length: ctx.config.edits }, () => "edit" as const),
    ...Array.from({ length: ctx.config.removals }, () => "remove" as const),
    ...Array.from({ length: ctx.config.ticks }, () => "tick" as const),
  ];
  const plan = kinds.map((kind) => ({ kind, at: start + phase * prng.between(...CHANGE_WINDOW) })).sort((a, b) => a.at - b.at);
  const removalPlanned = new Set<string>();
  for (const [number, { kind, at }] of plan.entries()) {
    const writer = prng.pick(ctx.cast.writers);
    const fields = prng.pick(["title", "body", "both"] as const);
    const done = prng.chance(0.7);
    const ifMatchShown = prng.chance(IF_MATCH_SHARE);
    const faults: ChangeFaults = {
      loseFirstAnswer: prng.chance(CHANGE_FAULT_RATES.loseFirstAnswer),
      raceDuplicate: prng.chance(CHANGE_FAULT_RATES.raceDuplicate),
    };
    await until(at);
    const target = pickTarget(ctx, writer, removalPlanned, prng);
    if (!target) {
      counts.changesSkipped++;
      continue;
    }
    counts.changesOfRemoved += Number(removalPlanned.has(target.save.key));
    if (kind === "remove") removalPlanned.add(target.save.key);
    // Anyone may tick anyone's item, with no key at all.
    const credential = kind === "tick" ? "no key" : target.credential;
    writer.change({ number, kind, save: target.save, credential, fields, done, ifMatchShown, faults });
    counts[kind === "edit" ? "editsPlanned" : kind === "tick" ? "ticksPlanned" : "removalsPlanned"]++;
    counts.ownerKeyChanges += Number(credential === "owner key");
    counts.changesOfQueuedSaves += Number(target.queued);
    counts.changeFaultsPlanned += Number(faults.loseFirstAnswer) + Number(faults.raceDuplicate);
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
    // Every running client gives up its first attempt that reaches the restarted server, and resumes again.
    for (const client of ctx.cast.clients) {
      if (client.isStopped || client.isAway) continue;
      client.abandonNextAttempt(prng.int(...ABANDON_AFTER_CONNECT_MS), `restart ${i + 1}`);
      counts.abandonsArmedAtRestarts++;
    }
    const record = { killedAt: Date.now(), answeringAt: null as number | null };
    ctx.history.restarts.push(record);
    ctx.log(`restart ${i + 1}/${count}: SIGKILL to wrangler and workerd`);
    await ctx.server.kill();
    await delay(prng.int(0, DOWNTIME_MAX_MS));
    await ctx.server.start();
    record.answeringAt = Date.now();
    counts.restarts++;
    ctx.log(`restart ${i + 1}/${count}: answering again after ${((record.answeringAt - record.killedAt) / 1000).toFixed(1)} s`);
    await checkDurability(ctx.history, ctx.itemsUrl, `after restart ${i + 1}`, record.killedAt);
  }
}

/** Some clients' sockets stop being read for a while; the server holds at most a window for each. */
async function pauses(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("pauses");
  const phase = ctx.config.faultPhaseMs;
  const times = Array.from({ length: ctx.config.pauses }, () => start + phase * prng.between(...PAUSE_WINDOW)).sort((a, b) => a - b);
  for (const at of times) {
    await until(at);
    const client = await pickWhenThere(() => ctx.cast.clients.filter((candidate) => candidate.canTakeFault), deadline, prng);
    if (!client) return;
    client.pauseReading(Math.min(prng.int(...PAUSE_MS), deadline - Date.now()));
    counts.pauses++;
  }
}

/** At random, a client's connection ends and the attempt that follows is given up while connecting. */
async function abandons(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  const prng = ctx.prng.fork("abandons");
  const phase = ctx.config.faultPhaseMs;
  const times = Array.from({ length: ctx.config.abandons }, () => start + phase * prng.between(...PAUSE_WINDOW)).sort((a, b) => a - b);
  for (const at of times) {
    await until(at);
    const client = await pickWhenThere(() => ctx.cast.clients.filter((candidate) => candidate.canTakeFault), deadline, prng);
    if (!client) return;
    client.abandonNextAttempt(prng.int(...ABANDON_AFTER_CONNECT_MS), "random");
    client.terminate();
    counts.abandonsArmed++;
  }
}

/** A crowd of fresh pages opens within a second, mid-run; they stay and must converge like the others. */
async function crowd(ctx: FaultContext, start: number, counts: FaultCounts): Promise<void> {
  if (ctx.config.crowd === 0) return;
  const prng = ctx.prng.fork("crowd");
  const arriveAt = start + ctx.config.faultPhaseMs * prng.between(...CROWD_AT);
  await until(arriveAt);
  ctx.log(`a crowd of ${ctx.config.crowd} fresh clients arrives`);
  for (let n = 0; n < ctx.config.crowd; n++) {
    await until(arriveAt + (n * CROWD_SPREAD_MS) / ctx.config.crowd);
    ctx.cast.arrive();
    counts.crowdArrived++;
  }
}

async function progress(ctx: FaultContext, start: number, deadline: number, counts: FaultCounts): Promise<void> {
  while (Date.now() + PROGRESS_EVERY_MS < deadline) {
    await delay(PROGRESS_EVERY_MS);
    const confirmed = [...ctx.history.saves.values()].filter((save) => !save.fieldItem && save.confirmedIds.length > 0).length;
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
    changes(ctx, start, counts),
    disconnects(ctx, deadline, counts),
    silences(ctx, start, deadline, counts),
    restarts(ctx, start, counts),
    longAbsence(ctx, start, deadline, counts),
    pauses(ctx, start, deadline, counts),
    abandons(ctx, start, deadline, counts),
    crowd(ctx, start, counts),
    ctx.cast.fields.run(start, deadline),
    progress(ctx, start, deadline, counts),
  ]);
  return counts;
}
