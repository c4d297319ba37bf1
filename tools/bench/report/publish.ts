/**
 * Turns a run into its three outputs: the day's results file, the chart, and
 * this mode's tables in docs/PERFORMANCE.md. `--render FILE` runs only this,
 * re-deriving the comparisons from the measurements already in a results
 * file, so the report can be regenerated without measuring again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PERFORMANCE_DOC, RESULTS_DIR } from "../lib/paths";
import type { Mode } from "../plan";
import { renderChart } from "./chart";
import { updatePerformanceDoc } from "./markdown";
import { billableWork, compare, writeResults, type BenchResults } from "./results";

/** Fills in everything computed from the systems' measurements. */
export function withDerived(results: BenchResults): BenchResults {
  const { systems, plan } = results;
  return {
    ...results,
    comparisons: compare(systems, plan.clientCounts, plan.deliveryLadder[0]!),
    memoryPerThousandIdleMb: Object.fromEntries(systems.map((system) => [system.name, system.memory.perThousandIdleConnectionsMb])),
    saveAloneCpuUs: Object.fromEntries(systems.map((system) => [system.name, system.saveOnly.serverCpuUsPerSave])),
    billableWork: billableWork(systems),
  };
}

export function publish(results: BenchResults, log: (line: string) => void): void {
  const date = results.startedAt.slice(0, 10);
  const resultsPath = writeResults(RESULTS_DIR, results);
  const chartFile = join(RESULTS_DIR, `${date}-${results.mode}.svg`);
  writeFileSync(chartFile, renderChart(results.systems, `p99 save → last client vs deliveries/s (${results.mode} run, ${date})`));
  updatePerformanceDoc(PERFORMANCE_DOC, results, relative(join(PERFORMANCE_DOC, ".."), chartFile));
  log(`wrote ${resultsPath}, ${chartFile} and ${PERFORMANCE_DOC}`);
  for (const comparison of results.comparisons) {
    const sustained = comparison.sustained.map((entry) => `${entry.system} ${entry.deliveriesPerSecond}/s (${entry.stoppedBy})`);
    log(`  ${comparison.clients} clients: ${sustained.join(", ")}`);
  }
}

/** Regenerates the outputs of every run in a day's results file. */
export function republish(path: string, log: (line: string) => void): void {
  const day = JSON.parse(readFileSync(path, "utf8")) as Partial<Record<Mode, BenchResults>>;
  for (const results of Object.values(day)) if (results) publish(withDerived(results), log);
}
