/** The run's comparison tables: sustained rates and their ratios, systems side by side, CPU against the bare rooms, each ladder, cold starts. */
import type { Ladder, StepSummary } from "../run/ladder";
import { SYSTEMS, type SystemName } from "../systems/types";
import { bracketText, number, ratio, ratioWithRange, SHORT, table, withSpread } from "./format";
import type { BenchResults, RatioRange } from "./results";

export function sustainedTable(results: BenchResults): string {
  const names = results.systems.map((system) => system.name);
  const rows = results.comparisons.map((comparison) => [
    comparison.clients,
    ...names.map((name) => {
      const entry = comparison.sustained.find((candidate) => candidate.system === name);
      return entry ? bracketText(entry.bracket) : "–";
    }),
  ]);
  return table(["clients", ...names.map((name) => SHORT[name])], rows);
}

export function sustainedRatioTable(results: BenchResults): string {
  const rows = results.comparisons.flatMap((comparison) =>
    comparison.sustainedListroomOverPeer.map((entry) => [
      comparison.clients,
      `${SHORT[entry.listroom]} ÷ ${SHORT[entry.peer]}`,
      SYSTEMS[entry.peer].runtime === SYSTEMS[entry.listroom].runtime ? "same runtime" : "across runtimes",
      ratioWithRange(entry),
    ]),
  );
  return table(["clients", "ratio", "", "passing rates ÷ (range the brackets allow)"], rows);
}

export function sideBySideTable(results: BenchResults): string {
  const rows: (string | number)[][] = [];
  for (const comparison of results.comparisons) {
    for (const at of comparison.atRates) {
      for (const row of at.rows) {
        const over = at.listroomOverPeer.filter((entry) => entry.peer === row.system);
        rows.push([
          comparison.clients,
          `${number(at.rate)} (${at.why.startsWith("the ladder") ? "first step" : "highest all passed"})`,
          SHORT[row.system],
          number(row.toLastP50Ms),
          number(row.toLastP99Ms),
          number(row.cpuUsPerDelivery, 2),
          row.verdict,
          over.length > 0 ? over.map((entry) => `${SHORT[entry.listroom]}: ${ratio(entry.toLastP99)} / ${ratio(entry.cpuPerDelivery)}`).join("; ") : "–",
        ]);
      }
    }
  }
  return table(
    ["clients", "deliveries/s", "system", "last p50 (ms)", "last p99 (ms)", "server CPU µs/delivery", "verdict", "Listroom ÷ it (p99 / CPU)"],
    rows,
  );
}

export function cpuTargetsTable(results: BenchResults): string {
  const targets = results.cpuTargets!;
  const verdict = (over: RatioRange, target: number) => {
    if (over.high !== null && over.high <= target) return "meets";
    if (over.low !== null && over.low > target) return "misses";
    return over.ratio !== null && over.ratio <= target ? "meets at the median" : "misses at the median";
  };
  return table(
    ["runtime", "what", "bare room", "Listroom µs", "bare µs", "Listroom ÷ bare (range)", "target", "verdict"],
    targets.rows.map((row) => [
      row.runtime,
      row.what,
      SHORT[row.bare],
      withSpread(row.listroomUs, 1),
      withSpread(row.bareUs, 1),
      ratioWithRange(row.over),
      `≤ ${row.target}×`,
      verdict(row.over, row.target),
    ]),
  );
}

export function coldStartTable(results: BenchResults): string {
  const rows = results.systems.flatMap((system) =>
    system.coldStart
      ? [[SHORT[system.name], number(system.coldStart.spawnToFirstOkMs, 0), number(system.coldStart.firstOkRequestMs, 1), system.coldStart.what]]
      : [],
  );
  return table(["system", "runtime spawned → first 200 (ms)", "that first request (ms)", "how"], rows);
}

export function ladderTable(ladders: { name: SystemName; ladder: Ladder }[]): string {
  const rows = ladders.flatMap(({ name, ladder }) =>
    ladder.steps.map((step: StepSummary) => [
      SHORT[name],
      number(step.targetDeliveriesPerSecond),
      number(step.savesPerSecond),
      withSpread(step.deliveriesPerSecond, 0),
      number(step.toLast.p50.median),
      number(step.toLast.p95.median),
      withSpread(step.toLast.p99),
      number(step.toLast.max.median),
      number(step.toFirst.p99.median),
      step.reach.median.toFixed(4),
      `${step.duplicates} / ${step.gaps}`,
      withSpread(step.serverCpuUsPerDelivery, 2),
      number(step.clientFramesPerSavePerClient.median, 3),
      number(step.loadgenCpu.median, 2),
      // How long the one load-generator process needs to read one save's frames from every client.
      number((step.loadgenCpuUsPerDelivery.median * step.clients) / 1000),
      step.verdict,
    ]),
  );
  return table(
    [
      "system",
      "target/s",
      "saves/s",
      "delivered/s",
      "last p50",
      "last p95",
      "last p99 (spread)",
      "last max",
      "first p99",
      "reach",
      "dup / gaps",
      "server µs/delivery",
      "client frames/save/client",
      "loadgen CPU",
      "loadgen ms per save",
      "verdict",
    ],
    rows,
  );
}
