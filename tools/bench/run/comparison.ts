/**
 * The systems side by side (the `ladders` scenario, `npm run bench`): the
 * same workload against Listroom, the bare floors, Socket.IO and plain ws,
 * one after the other, with the load generator pinned to core 0 and each
 * server to core 1 (run/system.ts measures one). Writes <date>.json, a chart
 * and the run's tables (Markdown) to the results folder. A benchmark, not a
 * test: nothing passes or fails. See docs/PERFORMANCE.md for the method.
 */
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { machineCores } from "../../harness/proc";
import { stopAllGroups } from "../../harness/processGroup";
import { makeTempDir, removeTempDir } from "../../harness/tempDirs";
import { now } from "../../harness/wait";
import { Budget } from "../lib/budget";
import { LOADGEN_CPU, pinLoadGenerator, type Pinning } from "../lib/pinning";
import { hasPerf, summarizeProfile } from "../lib/profile";
import { round } from "../lib/stats";
import { planFor, type Mode, type Plan } from "../plan";
import { measureBundles, type BundleSizes } from "../report/bundles";
import { publish, withDerived } from "../report/publish";
import type { BenchResults, Machine } from "../report/results";
import type { ScenarioContext } from "../scenario";
import { Bundles, starterFor } from "../systems/start";
import type { SystemName } from "../systems/types";
import { runSystem, type SystemRun } from "./system";

/**
 * Past the plan's deadline (and any waiting for a quiet machine) by this
 * much, the run is abandoned outright: a last resort against a hang (ladders
 * are never cut short, so only a hang runs this long).
 */
const HARD_STOP_GRACE_MS = 3 * 60_000;

function machine({ pinned, serverCpu }: Pinning): Machine {
  let openFilesLimit = "unknown";
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    openFilesLimit = /Max open files\s+(\S+)\s+(\S+)/.exec(limits)?.slice(1, 3).join(" / ") ?? openFilesLimit;
  } catch {
    // Not Linux; the figure is informational.
  }
  return {
    cores: machineCores(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    kernel: release(),
    node: process.version,
    pinning: pinned && serverCpu !== null ? { loadGenerator: LOADGEN_CPU, servers: serverCpu } : null,
    openFilesLimit,
  };
}

export async function compareSystems(mode: Mode, systems: SystemName[], listroomTree: string | null, context: ScenarioContext): Promise<number> {
  const { log, outDir } = context;
  const plan: Plan = planFor(mode, systems);
  if (!hasPerf()) plan.profile = [];
  const startedAt = new Date();
  const started = now();
  const pinning = pinLoadGenerator();
  log(`listroom bench, ${mode} run: ${systems.join(", ")}; ${pinning.pinned ? "load generator on core 0, servers on core 1" : "not pinned"}`);
  const hardStop = setTimeout(() => {
    log("the run passed its hard deadline; stopping everything");
    // The exit runs the harness's cleanups (tools/harness/lifecycle.ts): every process group, every temp dir.
    process.exit(2);
  }, plan.deadlineMs + plan.quietWaitBudgetMs + HARD_STOP_GRACE_MS);
  hardStop.unref();
  const scratchDir = makeTempDir("listroom-bench-scratch-");
  const errors: string[] = [];
  let quietBudget = plan.quietWaitBudgetMs;
  const workerBundles = new Bundles(listroomTree);

  let bundles: BundleSizes | null = null;
  try {
    bundles = measureBundles();
    log(`public/app.js ${bundles.appJsGzipBytes} B gzipped; socket.io.min.js ${bundles.socketIoClientGzipBytes} B gzipped`);
  } catch (error) {
    errors.push(`bundle sizes: ${(error as Error).message}`);
  }

  const runs: SystemRun[] = [];
  const overall = Budget.forMs(plan.deadlineMs - (now() - started));
  try {
    for (const name of systems) {
      // A last resort against a run gone long: a system not started by the deadline is skipped; a started one is never cut short.
      if (overall.passed()) {
        errors.push(`${name}: not run, the run's time budget was spent`);
        continue;
      }
      try {
        runs.push(
          await runSystem(name, {
            plan,
            start: starterFor(name, pinning.serverCpu, workerBundles),
            quietBudgetLeft: () => quietBudget,
            spendQuietBudget: (ms) => {
              quietBudget = Math.max(0, quietBudget - ms);
              overall.extend(ms);
            },
            scratchDir,
            log,
          }),
        );
      } catch (error) {
        errors.push((error as Error).message.slice(0, 4000));
        log(`  failed: ${(error as Error).message.slice(0, 2000)}`);
      }
    }
  } finally {
    await stopAllGroups();
  }

  if (runs.some((run) => run.profileFile)) log("summarising profiles");
  const systemsOut: BenchResults["systems"] = runs.map(({ profileFile, ...run }) => ({
    ...run,
    profile: profileFile ? summarizeProfile(profileFile) : null,
  }));
  removeTempDir(scratchDir);
  const repeats = systemsOut.flatMap((system) => system.ladders.flatMap((ladder) => ladder.steps));
  const results = withDerived({
    version: 1,
    mode,
    command: context.command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: round((now() - started) / 1000, 1),
    machine: machine(pinning),
    plan,
    quiet: {
      allQuiet: systemsOut.every((system) => system.quietBefore.quiet) && repeats.every((step) => step.noisyRepeats === 0),
      checks: systemsOut.map((system) => system.quietBefore),
      noisyRepeats: repeats.reduce((total, step) => total + step.noisyRepeats, 0),
      totalRepeats: repeats.reduce((total, step) => total + step.repeats, 0),
    },
    bundles,
    systems: systemsOut,
    comparisons: [],
    memoryPerThousandIdleMb: {},
    saveAloneCpuUs: {},
    billableWork: null,
    workerBundles: workerBundles.sizes(),
    cpuTargets: null,
    cost: null,
    errors,
  });
  publish(results, outDir, log);
  return errors.length > 0 ? 1 : 0;
}
