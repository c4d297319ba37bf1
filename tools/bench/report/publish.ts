/**
 * Turns a run into its three outputs in the run's results folder
 * (.results/bench/, or `--save DIR`): the day's results file, the chart, and
 * this mode's tables as Markdown. `npm run bench -- render FILE` runs only this,
 * re-deriving the comparisons from the measurements already in a results
 * file, so the report can be regenerated without measuring again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { shown } from "../../harness/results";
import type { Mode } from "../plan";
import { renderChart } from "./chart";
import { renderRun } from "./markdown";
import { costTable, type MeasuredWork } from "./cost";
import { compare, cpuTargets } from "./comparisons";
import { billableWork, billedListroom, writeResults, type BenchResults } from "./results";

/** The billable work the cost table prices: the production-like Listroom's, at the idle room's client count. */
function measuredWork(results: BenchResults): MeasuredWork | null {
  const listroom = billedListroom(results.systems);
  const ladder = listroom?.ladders.find((candidate) => candidate.clients === results.plan.idleClients);
  // The lowest passing rate: the least queueing, the closest to an everyday list.
  const step = ladder?.steps.filter((candidate) => candidate.verdict === "ok" && candidate.billable !== null).sort((a, b) => a.targetDeliveriesPerSecond - b.targetDeliveriesPerSecond)[0];
  if (!listroom || !step?.billable) return null;
  const socketIo = results.systems.find((system) => system.name === "socketio");
  const socketIoLadder = socketIo?.ladders.find((candidate) => candidate.clients === results.plan.idleClients);
  return {
    system: listroom.name,
    perSave: {
      rowsRead: step.billable.rowsRead.median,
      rowsWritten: step.billable.rowsWritten.median,
      alarmRuns: step.billable.alarmRuns.median,
      framesInPerViewer: step.billable.framesInPerClient.median,
      cpuUsAlone: listroom.saveAloneCpuUsPerSave?.median ?? listroom.saveOnly.serverCpuUsPerSave,
    },
    cpuUsPerDelivery: step.serverCpuUsPerDelivery.median,
    perConnection: listroom.perConnection ?? null,
    hibernates: listroom.idle.find((run) => run.hibernated !== null)?.hibernated ?? null,
    socketIo:
      socketIo && socketIoLadder
        ? {
            sustainedDeliveriesPerSecond: socketIoLadder.bracket?.pass ?? socketIoLadder.sustainedDeliveriesPerSecond,
            memoryPerThousandConnectionsMb: Math.max(0, socketIo.memory.perThousandIdleConnectionsMb),
          }
        : null,
  };
}

/** Fills in everything computed from the systems' measurements. */
export function withDerived(results: BenchResults): BenchResults {
  const { systems, plan } = results;
  const derived: BenchResults = {
    ...results,
    comparisons: compare(systems, plan.clientCounts, plan.deliveryLadder[0]!),
    memoryPerThousandIdleMb: Object.fromEntries(systems.map((system) => [system.name, system.memory.perThousandIdleConnectionsMb])),
    saveAloneCpuUs: Object.fromEntries(systems.map((system) => [system.name, system.saveAloneCpuUsPerSave?.median ?? system.saveOnly.serverCpuUsPerSave])),
    billableWork: billableWork(systems),
    cpuTargets: cpuTargets(systems, plan.idleClients),
    workerBundles: results.workerBundles ?? { listroom: null, bare: null },
  };
  const work = measuredWork(derived);
  return { ...derived, cost: work ? costTable(work) : null };
}

export function publish(results: BenchResults, outDir: string, log: (line: string) => void): void {
  const date = results.startedAt.slice(0, 10);
  const resultsPath = writeResults(outDir, results);
  const chartFile = join(outDir, `${date}-${results.mode}.svg`);
  writeFileSync(chartFile, renderChart(results.systems, `p99 save → last client vs deliveries/s (${results.mode} run, ${date})`));
  const tablesFile = join(outDir, `${date}-${results.mode}.md`);
  writeFileSync(tablesFile, `${renderRun(results, basename(chartFile))}\n`);
  log(`wrote ${shown(resultsPath)}, ${shown(chartFile)} and ${shown(tablesFile)}`);
  for (const comparison of results.comparisons) {
    const sustained = comparison.sustained.map((entry) => `${entry.system} [${entry.bracket.pass ?? "–"}, ${entry.bracket.fail ?? "–"}) (${entry.stoppedBy})`);
    log(`  ${comparison.clients} clients: ${sustained.join(", ")}`);
  }
}

/** Regenerates the outputs of every run in a day's results file. */
export function republish(path: string, outDir: string, log: (line: string) => void): void {
  const day = JSON.parse(readFileSync(path, "utf8")) as Partial<Record<Mode, BenchResults>>;
  for (const results of Object.values(day)) if (results) publish(withDerived(results), outDir, log);
}
