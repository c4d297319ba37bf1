/**
 * `npm run bench [-- --quick] [-- --systems listroom-workerd,bare-workerd]`:
 * the same workload against Listroom and a bare Durable Object broadcast
 * (each on workerd alone and under wrangler dev), Socket.IO and plain ws, one
 * after the other, with the load generator pinned to core 0 and each server
 * to core 1. Writes <date>.json, a chart and the run's tables (Markdown) to
 * .results/bench/, which git ignores, or to `--save DIR` for a run kept on
 * purpose: no run changes a tracked file. A benchmark, not a test: nothing
 * passes or fails. See docs/PERFORMANCE.md for the method.
 *
 * `-- --render FILE.json` only redraws the outputs from a results file.
 * `-- --scenario steady|crowd|slow-readers` runs one of the page-client
 * scenarios (scenarios/: 2,000 page clients on a list, a crowd at a full
 * list, paused readers) instead of the ladders. The same bundle is also the Node peers' server
 * (`--serve socketio|ws`) and the Miniflare host of the workerd column
 * (`--serve workerd`). `-- --cpu-profile` profiles Listroom's and the bare
 * room's JavaScript on workerd instead of measuring (run/cpuProfile.ts);
 * `-- --cold-start [REV,…]` compares the Worker's size and cold start with
 * earlier trees (run/coldStarts.ts); `-- --listroom-tree DIR` builds the
 * workerd column's Listroom from another tree (to measure a change to src/
 * before making it). `-- --memory` measures what an open connection costs
 * (run/memory.ts); `-- --viewers` the one-list, many-viewers ladder
 * (run/viewers.ts); `-- --relay-viewers` the same with relays off and on, side
 * by side, straight to workerd (run/relays.ts).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, release, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Budget } from "./lib/budget";
import { hasPerf, summarizeProfile } from "./lib/profile";
import { machineCores } from "../harness/proc";
import { round } from "./lib/stats";
import { makeTempDir, removeTempDir } from "../harness/tempDirs";
import { hasTaskset, stopAllGroups } from "../harness/processGroup";
import { now } from "../harness/wait";
import { ALL_SYSTEMS, defaultSystems, planFor, type Mode, type Plan } from "./plan";
import { coldStarts, DEFAULT_COLD_START_REVISIONS } from "./run/coldStarts";
import { profileCpu } from "./run/cpuProfile";
import { measureMemory, MEMORY_SYSTEMS, MEMORY_SYSTEMS_ALL, type MemorySystem, type OtherTree } from "./run/memory";
import { measureViewers, VIEWER_COUNTS } from "./run/viewers";
import { measureRelays, RELAY_RUN_COUNTS } from "./run/relays";
import { runSystem, type SystemRun } from "./run/system";
import { measureBundles, type BundleSizes } from "./report/bundles";
import { publish, republish, withDerived } from "./report/publish";
import type { BenchResults, Machine } from "./report/results";
import { serve } from "./servers/serve";
import { startNodeSystem } from "./systems/node";
import type { SystemName } from "./systems/types";
import { buildWorkerBundle, type WorkerBundle } from "./systems/workerBundle";
import { startWorkerdSystem } from "./systems/workerd";
import { describeProvenance, snapshotListroom, startBare, startListroom, type Provenance } from "./systems/wrangler";
import { BARE_CONFIG } from "./lib/paths";
import { PROJECT_ROOT } from "../harness/paths";
import { runTool } from "../harness/lifecycle";
import { resultsDir, shown } from "../harness/results";
import { runCrowd } from "./scenarios/crowd";
import type { ScenarioOutcome } from "./scenarios/pageClients";
import { runSlowReaders } from "./scenarios/slowReaders";
import { runSteady } from "./scenarios/steady";

const LOADGEN_CPU = 0;
const SERVER_CPU = 1;
/**
 * Past the plan's deadline (and any waiting for a quiet machine) by this
 * much, the run is abandoned outright: a last resort against a hang (ladders
 * are never cut short, so only a hang runs this long).
 */
const HARD_STOP_GRACE_MS = 3 * 60_000;

const processStarted = now();

/** Pins every thread of this process (the load generator) to `cpu`. */
function pinSelf(cpu: number): boolean {
  if (!hasTaskset()) return false;
  return spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" }).status === 0;
}

function log(line: string): void {
  const seconds = Math.round((now() - processStarted) / 1000);
  process.stdout.write(`[${String(seconds).padStart(3)} s] ${line}\n`);
}

function parseSystems(value: string | undefined, mode: Mode): SystemName[] {
  if (!value) return defaultSystems(mode);
  const names = value.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(ALL_SYSTEMS as string[]).includes(name)) throw new Error(`unknown system ${name}; expected ${ALL_SYSTEMS.join(",")}`);
  }
  return names as SystemName[];
}

function machine(pinned: boolean): Machine {
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
    pinning: pinned ? { loadGenerator: LOADGEN_CPU, servers: SERVER_CPU } : null,
    openFilesLimit,
  };
}

/** Worker bundles for the workerd column, built once per run (Listroom's from a snapshot of the repository). */
class Bundles {
  private listroom: { bundle: WorkerBundle; provenance: Provenance } | null = null;
  private bare: WorkerBundle | null = null;

  /** `listroomTree`: another checkout or copy to build Listroom's workerd bundle from (an A/B of a change to src/). */
  constructor(
    private readonly listroomTree: string | null = null,
    /** Build Listroom unminified, for a profile read by source file. */
    private readonly readable = false,
  ) {}

  forListroom(): { bundle: WorkerBundle; provenance: Provenance } {
    if (!this.listroom) {
      const snapshot = snapshotListroom();
      const tree = this.listroomTree ?? snapshot.dir;
      const provenance = this.listroomTree
        ? { ...snapshot.provenance, uncommitted: [`built from ${this.listroomTree}, not this checkout`] }
        : snapshot.provenance;
      this.listroom = { bundle: buildWorkerBundle(tree, undefined, this.readable), provenance };
    }
    return this.listroom;
  }

  forBare(): WorkerBundle {
    this.bare ??= buildWorkerBundle(PROJECT_ROOT, BARE_CONFIG);
    return this.bare;
  }

  /** The deployed script's size, as `wrangler deploy --dry-run` built it. */
  sizes(): BenchResults["workerBundles"] {
    const size = (bundle: WorkerBundle | undefined) => (bundle ? { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes } : null);
    return { listroom: size(this.listroom?.bundle), bare: size(this.bare ?? undefined) };
  }
}

/** `--also-tree NAME=DIR`: another checkout measured beside this one, its workerd bundle built once from a snapshot of it. */
function otherTree(spec: string): OtherTree {
  const match = /^([A-Za-z0-9._-]+)=(.+)$/.exec(spec);
  if (!match) throw new Error(`--also-tree needs NAME=DIR, not ${spec}\n${USAGE}`);
  const [, name, dir] = match as unknown as [string, string, string];
  let built: { bundle: WorkerBundle; provenance: Provenance } | null = null;
  const build = () => {
    if (built === null) {
      // The snapshot stays until the run ends (the harness removes its temp dirs): the bundle reads its wrangler.toml.
      const snapshot = snapshotListroom(dir);
      built = { bundle: buildWorkerBundle(snapshot.dir), provenance: snapshot.provenance };
    }
    return built;
  };
  return {
    name,
    dir,
    bundle: () => build().bundle,
    provenance: () => describeProvenance(build().provenance),
  };
}

function starterFor(name: SystemName, serverCpu: number | null, bundles: Bundles) {
  return async ({ localObservability }: { localObservability: boolean }) => {
    switch (name) {
      case "listroom":
        return startListroom(serverCpu, localObservability);
      case "bare":
        return { system: await startBare(serverCpu, localObservability), provenance: null };
      case "listroom-workerd": {
        const { bundle, provenance } = bundles.forListroom();
        const system = await startWorkerdSystem({
          name,
          bundle,
          vars: { EXPOSE_USAGE: "true" },
          healthPath: "/api/items?limit=1",
          usagePath: "/api/usage",
          cpu: serverCpu,
        });
        return { system, provenance };
      }
      case "bare-workerd":
      case "bare-acking-workerd":
        return {
          system: await startWorkerdSystem({ name, bundle: bundles.forBare(), vars: {}, healthPath: "/health", usagePath: null, cpu: serverCpu }),
          provenance: null,
        };
      case "socketio":
      case "ws":
        return { system: await startNodeSystem(name, serverCpu), provenance: null };
    }
  };
}

async function bench(mode: Mode, systems: SystemName[], listroomTree: string | null, outDir: string): Promise<number> {
  const plan: Plan = planFor(mode, systems);
  if (!hasPerf()) plan.profile = [];
  const startedAt = new Date();
  const started = now();
  const pinned = hasTaskset() && machineCores() > 1 && pinSelf(LOADGEN_CPU);
  const serverCpu = pinned ? SERVER_CPU : null;
  log(`listroom bench, ${mode} run: ${systems.join(", ")}; ${pinned ? "load generator on core 0, servers on core 1" : "not pinned"}`);
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
            start: starterFor(name, serverCpu, workerBundles),
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
    command: `npm run bench${mode === "quick" ? " -- --quick" : ""}`,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: round((now() - started) / 1000, 1),
    machine: machine(pinned),
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

const USAGE = `usage: npm run bench -- [--quick] [--systems ${ALL_SYSTEMS.join(",")}] [--listroom-tree DIR] [--save DIR]
       npm run bench -- --render RESULTS.json [--save DIR]      redraw a run's tables and chart, no measuring
       npm run bench -- --cpu-profile | --cold-start [REV,…]     V8 profiles; the Worker's size and cold start
       npm run bench -- --memory [--systems …] [--counts 500,2000] [--repeats 3] [--no-additions] [--no-crowd] [--heap-snapshot] [--allocation-profile] [--also-tree NAME=DIR …] [--after-save]
       npm run bench -- --viewers [--systems listroom,bare] [--counts 500,1000,2000,3000] [--saves 15]
       npm run bench -- --relay-viewers [--counts 1000,5000,10000] [--saves 15] [--relays AFTER:CAPACITY]   relays off and on, on workerd
       npm run bench -- --scenario steady [--clients 2000] [--saves 100] [--rate 10] [--lists 1] [--relays AFTER:CAPACITY]
       npm run bench -- --scenario crowd [--clients 500] [--fill 200] [--hog] [--direct] [--profile-seconds S]
       npm run bench -- --scenario slow-readers [--paused 100] [--clients 100] [--saves 300] [--rate 20] [--body 4000]
  Output goes to .results/bench/ (git-ignored); --save DIR keeps it in DIR instead (the runs the docs cite: docs/results/bench).`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    systems: { type: "string" },
    save: { type: "string" },
    serve: { type: "string" },
    port: { type: "string" },
    db: { type: "string" },
    "host-config": { type: "string" },
    render: { type: "string" },
    "cpu-profile": { type: "boolean", default: false },
    memory: { type: "boolean", default: false },
    viewers: { type: "boolean", default: false },
    "relay-viewers": { type: "boolean", default: false },
    counts: { type: "string" },
    repeats: { type: "string" },
    "no-additions": { type: "boolean", default: false },
    "no-crowd": { type: "boolean", default: false },
    "after-save": { type: "boolean", default: false },
    "heap-snapshot": { type: "boolean", default: false },
    "allocation-profile": { type: "boolean", default: false },
    "cold-start": { type: "string" },
    "listroom-tree": { type: "string" },
    "also-tree": { type: "string", multiple: true },
    scenario: { type: "string" },
    relays: { type: "string" },
    clients: { type: "string" },
    saves: { type: "string" },
    rate: { type: "string" },
    lists: { type: "string" },
    fill: { type: "string" },
    hog: { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    "profile-seconds": { type: "string" },
    paused: { type: "string" },
    body: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw new Error(`--${name} needs a whole number\n${USAGE}`);
  return value;
}

function relaysOf(raw: string): { after: number; capacity: number } {
  const [after, capacity] = raw.split(":");
  return { after: count("relays", after, 0), capacity: count("relays", capacity, 1) };
}

/** The page-client scenarios (once `npm run soak`): capacity figures with page clients; the table also goes to the results folder. */
async function scenario(name: string, outDir: string): Promise<number> {
  let outcome: ScenarioOutcome;
  switch (name) {
    case "steady":
      outcome = await runSteady({
        clients: count("clients", values.clients, 2000),
        saves: count("saves", values.saves, 100),
        rate: count("rate", values.rate, 10),
        lists: count("lists", values.lists, 1),
        relays: values.relays === undefined ? null : relaysOf(values.relays),
      });
      break;
    case "crowd":
      outcome = await runCrowd({
        clients: count("clients", values.clients, 500),
        fill: count("fill", values.fill, 200),
        hog: values.hog,
        direct: values.direct,
        profileSeconds: count("profile-seconds", values["profile-seconds"], 0),
      });
      break;
    case "slow-readers":
      outcome = await runSlowReaders({
        paused: count("paused", values.paused, 100),
        readers: count("clients", values.clients, 100),
        saves: count("saves", values.saves, 300),
        rate: count("rate", values.rate, 20),
        bodyChars: count("body", values.body, 4000),
      });
      break;
    default:
      throw new Error(`unknown --scenario ${name} (steady, crowd, slow-readers)\n${USAGE}`);
  }
  const file = join(outDir, `${new Date().toISOString().replaceAll(":", "").slice(0, 17)}-${name}.md`);
  writeFileSync(file, `# Scenario ${name}\n\nCommand: \`npm run bench -- ${process.argv.slice(2).join(" ")}\`\n\n${outcome.table}\n`);
  log(`wrote ${shown(file)}`);
  return outcome.complete ? 0 : 1;
}

async function main(): Promise<number> {
  // Output piped into `head` and the like may close early; that is no reason to stop measuring.
  process.stdout.on("error", () => {});
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const outDir = resultsDir("bench", values.save);
  if (values.render) {
    republish(values.render, outDir, log);
    return 0;
  }
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 13)) {
    throw new Error(`Node ${process.versions.node} is too old (node:sqlite needs 22.13+); run through npm run bench`);
  }
  if (values.scenario !== undefined) return scenario(values.scenario, outDir);
  if (values["cold-start"] !== undefined) {
    const pinned = hasTaskset() && machineCores() > 1 && pinSelf(LOADGEN_CPU);
    const revisions = values["cold-start"] === "" ? DEFAULT_COLD_START_REVISIONS : values["cold-start"].split(",");
    await coldStarts(revisions, pinned ? SERVER_CPU : null, outDir, log);
    await stopAllGroups();
    return 0;
  }
  if (values["cpu-profile"]) {
    const pinned = hasTaskset() && machineCores() > 1 && pinSelf(LOADGEN_CPU);
    await profileCpu(planFor("quick"), pinned ? SERVER_CPU : null, outDir, log);
    await stopAllGroups();
    return 0;
  }
  if (values.memory || values.viewers || values["relay-viewers"]) {
    const pinned = hasTaskset() && machineCores() > 1 && pinSelf(LOADGEN_CPU);
    const serverCpu = pinned ? SERVER_CPU : null;
    // The relay run charges a CPU profile to source files, so its bundle is left unminified.
    const bundles = new Bundles(values["listroom-tree"] ?? null, values["relay-viewers"]);
    const provenanceOf = () => describeProvenance(bundles.forListroom().provenance);
    const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`;
    const counts = (fallback: number[]) => (values.counts === undefined ? fallback : values.counts.split(",").map((raw) => count("counts", raw.trim(), 0)));
    try {
      if (values["relay-viewers"]) {
        return await measureRelays(
          {
            counts: counts(RELAY_RUN_COUNTS),
            saves: count("saves", values.saves, 15),
            relays: values.relays === undefined ? { after: 1_000, capacity: 1_000 } : relaysOf(values.relays),
            serverCpu,
            bundle: () => bundles.forListroom().bundle,
            provenance: provenanceOf(),
          },
          command,
          outDir,
          log,
        );
      }
      if (values.memory) {
        const systems = values.systems === undefined ? MEMORY_SYSTEMS : (values.systems.split(",").map((name) => name.trim()) as MemorySystem[]);
        for (const name of systems) if (!MEMORY_SYSTEMS_ALL.includes(name)) throw new Error(`--memory measures ${MEMORY_SYSTEMS_ALL.join(",")}, not ${name}`);
        return await measureMemory(
          {
            systems,
            counts: counts([500, 2_000]),
            repeats: count("repeats", values.repeats, 3),
            additions: !values["no-additions"],
            crowd: values["no-crowd"] ? null : { clients: 500, fill: 200 },
            serverCpu,
            listroomBundle: () => bundles.forListroom().bundle,
            bareBundle: () => bundles.forBare(),
            provenance: provenanceOf(),
            trees: (values["also-tree"] ?? []).map(otherTree),
            afterSave: values["after-save"],
            heapSnapshots: values["heap-snapshot"],
            allocationProfile: values["allocation-profile"],
          },
          command,
          outDir,
          log,
        );
      }
      return await measureViewers(
        {
          systems: values.systems === undefined ? ["listroom", "bare"] : parseSystems(values.systems, "full"),
          counts: counts(VIEWER_COUNTS),
          saves: count("saves", values.saves, 15),
          start: async (name) => (await starterFor(name, serverCpu, bundles)({ localObservability: false })).system,
          provenance: provenanceOf(),
        },
        command,
        outDir,
        log,
      );
    } finally {
      await stopAllGroups();
    }
  }
  const mode = values.quick ? "quick" : "full";
  return bench(mode, parseSystems(values.systems, mode), values["listroom-tree"] ?? null, outDir);
}

// The same bundle is the Node peers' server and the workerd column's host, which handle their own signals.
if (values.serve) void serve(values.serve, { port: Number(values.port), databasePath: values.db, hostConfig: values["host-config"] });
else runTool("bench", main);
