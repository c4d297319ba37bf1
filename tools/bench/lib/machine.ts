/**
 * Is the machine quiet enough to measure? Another engineer's fault-injection
 * harness runs wrangler dev and many clients on this same 2-core machine, so
 * before each system we measure (over a second) the CPU burnt outside our process tree (and
 * list workerd/wrangler/vitest processes that are not ours, and the load
 * average, for the record) and wait, bounded, while others are busy. Each
 * point also records the CPU others used while it ran; a noisy repeat is run
 * again (see run/ladder.ts), and the results say how many stayed noisy.
 */
import { loadavg } from "node:os";
import { allStats, commandLine, machineCores, machineTicks, processTree, type ProcStat } from "../../harness/proc";
import { delay } from "../../harness/wait";

/** Cores' worth of CPU used by others above which the machine counts as busy. */
export const FOREIGN_CPU_BUSY_CORES = 0.25;
const SAMPLE_MS = 1_000;
const POLL_MS = 5_000;

export interface QuietCheck {
  at: string;
  quiet: boolean;
  loadAverage1m: number;
  foreignCpuCores: number;
  /** `pid command` of workerd or wrangler processes that are not ours. */
  foreignDevServers: string[];
  waitedMs: number;
}

function ourPids(stats: ProcStat[]): Set<number> {
  return new Set(processTree(process.pid, stats).map((stat) => stat.pid));
}

export function foreignDevServers(): string[] {
  const stats = allStats();
  const ours = ourPids(stats);
  return stats
    .filter((stat) => !ours.has(stat.pid))
    .filter((stat) => stat.comm === "workerd" || (stat.comm.startsWith("node") && /wrangler|vitest/.test(commandLine(stat.pid))))
    .map((stat) => `${stat.pid} ${commandLine(stat.pid).slice(0, 160)}`);
}

/** Ticks burnt by our own process tree (this process and every server it started). */
export function ourTicks(): number {
  const stats = allStats();
  const ours = ourPids(stats);
  let ticks = 0;
  for (const stat of stats) if (ours.has(stat.pid)) ticks += stat.cpuTicks;
  return ticks;
}

/** Starts measuring CPU used outside our tree; the returned function gives cores used since. */
export function foreignCpuMeter(): () => number {
  const machineBefore = machineTicks();
  const oursBefore = ourTicks();
  return () => {
    const machineAfter = machineTicks();
    const elapsedTicksPerCore = (machineAfter.total - machineBefore.total) / machineCores();
    const foreign = machineAfter.busy - machineBefore.busy - (ourTicks() - oursBefore);
    // Our processes that exited during the window took their ticks with them; never report below zero.
    return elapsedTicksPerCore > 0 ? Math.max(0, foreign / elapsedTicksPerCore) : 0;
  };
}

export async function checkQuiet(waitedMs = 0): Promise<QuietCheck> {
  const meter = foreignCpuMeter();
  await delay(SAMPLE_MS);
  const foreignCpuCores = meter();
  const servers = foreignDevServers();
  return {
    at: new Date().toISOString(),
    // An idle dev server of someone else's costs nothing; CPU burnt outside our tree is what disturbs us.
    quiet: foreignCpuCores < FOREIGN_CPU_BUSY_CORES,
    loadAverage1m: loadavg()[0] ?? 0,
    foreignCpuCores,
    foreignDevServers: servers,
    waitedMs,
  };
}

/** Checks, and while busy polls every few seconds until quiet or `budgetMs` is spent. */
export async function waitForQuiet(budgetMs: number, log: (line: string) => void): Promise<QuietCheck> {
  const started = Date.now();
  let check = await checkQuiet();
  while (!check.quiet && Date.now() - started < budgetMs) {
    log(
      `  machine busy (others use ${check.foreignCpuCores.toFixed(2)} cores; ${check.foreignDevServers.length} foreign dev servers); waiting…`,
    );
    await delay(Math.min(POLL_MS, Math.max(0, budgetMs - (Date.now() - started))));
    check = await checkQuiet(Date.now() - started);
  }
  return check;
}
