/**
 * What a run's figures say side by side: Listroom's sustained rate and CPU
 * per delivery divided by each peer's (the bare floors on its runtime, the
 * Node peers), with the range the brackets and spreads allow.
 */
import { round, type Spread } from "../lib/stats";
import type { Bracket } from "../run/ladder";
import { bareFloorsOf, isListroom, SYSTEMS, type SystemName } from "../systems/types";
import type { BenchResults, Comparison, CpuTargets, Pairing, RateComparison, RatioRange } from "./results";

/** Peers Listroom on `listroom`'s runtime is divided by: its bare floors, then the Node peers. */
export function pairingsOf(names: readonly SystemName[]): Pairing[] {
  return names.filter(isListroom).flatMap((listroom) =>
    names
      .filter((peer) => bareFloorsOf(listroom).includes(peer) || SYSTEMS[peer].runtime === "node")
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

/** Per delivery at every rate both ran (against each bare floor), and per save alone (against the plain one), for each runtime's Listroom. */
export function cpuTargets(systems: BenchResults["systems"], idleClients: number): CpuTargets | null {
  const perDeliveryTarget = 1.1;
  const perSaveTarget = 1.5;
  const rows: CpuTargets["rows"] = [];
  for (const listroom of systems.filter((system) => isListroom(system.name))) {
    const floors = bareFloorsOf(listroom.name).flatMap((name) => systems.filter((system) => system.name === name));
    for (const bare of floors) rows.push(...perDeliveryRows(listroom, bare, idleClients, perDeliveryTarget));
    // Every bare floor saves the same way, so a save alone is compared with the first.
    const bare = floors[0];
    if (bare && listroom.saveAloneCpuUsPerSave && bare.saveAloneCpuUsPerSave) {
      rows.push({
        runtime: SYSTEMS[listroom.name].runtime,
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

type SystemResult = BenchResults["systems"][number];

function perDeliveryRows(listroom: SystemResult, bare: SystemResult, idleClients: number, target: number): CpuTargets["rows"] {
  const ladderOf = (system: SystemResult) => system.ladders.find((ladder) => ladder.clients === idleClients);
  const theirs = ladderOf(bare);
  // CPU per delivery means something whether or not the step kept p99 within the limit, so long
  // as the measurement itself held (the load generator kept up and the server ran throughout).
  const measured = (step: { verdict: string }) => !step.verdict.startsWith("invalid") && step.verdict !== "server exited";
  return (ladderOf(listroom)?.steps ?? []).filter(measured).flatMap((step) => {
    const twin = theirs?.steps.find((candidate) => candidate.targetDeliveriesPerSecond === step.targetDeliveriesPerSecond && measured(candidate));
    if (!twin) return [];
    return [
      {
        runtime: SYSTEMS[listroom.name].runtime,
        listroom: listroom.name,
        bare: bare.name,
        what: `per delivery, ${idleClients} clients at ${step.targetDeliveriesPerSecond}/s${step.verdict === "ok" && twin.verdict === "ok" ? "" : " (p99 over the limit for one of them)"}`,
        listroomUs: step.serverCpuUsPerDelivery,
        bareUs: twin.serverCpuUsPerDelivery,
        over: spreadRatio(step.serverCpuUsPerDelivery, twin.serverCpuUsPerDelivery),
        target,
      },
    ];
  });
}
