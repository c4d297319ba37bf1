/**
 * `npm run bench -- --memory`: what one open connection costs the server.
 * Listroom and the bare room (each on workerd through Miniflare and under
 * wrangler dev) are started fresh, one after the other within each repeat,
 * so the systems sit side by side in one run. Each takes one save (so its
 * object exists), then clients arrive at up to 500 a second, each speaking
 * its protocol (Listroom's acknowledge as the page does); 4 s after the last
 * one opened, the runtime's RSS (the workerd serving the Worker, from /proc)
 * and its JS heap (the inspector's `Runtime.getHeapUsage`, used plus
 * embedder size, no forced GC) are read, and divided by the clients. With
 * `--after-save`, one save then goes to every client and both are read again as long after it:
 * a socket's first send after its arrival costs the runtime memory of its
 * own, which Listroom's presence broadcast pays during the crowd and the bare
 * room, whose clients hear nothing after they open, does not.
 *
 * Beside them, the bare room on workerd with one of Listroom's arrival
 * duties added at a time (tools/bench/bare/worker.ts, `?with=`), and all of
 * them together, at the first count: what each costs natively. And the
 * crowd: 500 arrivals within a second at a full list (200 items of 5,000
 * two-byte characters), Listroom only: the runtime's peak RSS growth, sampled
 * every 100 ms.
 *
 * `--also-tree NAME=DIR` runs each Listroom system a second time from
 * another checkout (main, say), right after this tree's within each repeat,
 * so a change and what it changes sit side by side in one run.
 *
 * Under wrangler dev every socket holds about 4.6 file descriptors; with the
 * process limit here at 20,000, counts stay at 2,000 or below.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BODY_MAX_CHARS } from "../../../src/protocol/limits";
import { freePort } from "../../harness/net";
import { rssOf } from "../../harness/proc";
import { shown } from "../../harness/results";
import { delay, now } from "../../harness/wait";
import { ADDITIONS, PROBES } from "../bare/additions";
import { ClientPool } from "../load/clients";
import { SaveClient } from "../load/writers";
import { round } from "../lib/stats";
import { allocationSites, sampleAllocations } from "../lib/allocationProfile";
import { InspectorSession } from "../lib/v8Profile";
import { CONNECT_TIMEOUT_MS, CONNECTS_PER_SECOND } from "../plan";
import { SYSTEMS, type RunningSystem, type SystemName } from "../systems/types";
import type { WorkerBundle } from "../systems/workerBundle";
import { startWorkerdSystem } from "../systems/workerd";
import { snapshotListroom, startBare, startListroom, startWranglerSystem } from "../systems/wrangler";

/**
 * `listroom-no-assets`: Listroom under wrangler dev with its `[assets]`
 * section taken out (only ever measured, never served), to price the static
 * assets' router that then stands in front of every socket.
 */
export type MemorySystem = Extract<SystemName, "listroom" | "bare" | "listroom-workerd" | "bare-workerd"> | "listroom-no-assets";
export const MEMORY_SYSTEMS: MemorySystem[] = ["listroom-workerd", "bare-workerd", "listroom", "bare"];
export const MEMORY_SYSTEMS_ALL: MemorySystem[] = [...MEMORY_SYSTEMS, "listroom-no-assets"];
const LABELS: Record<MemorySystem, string> = {
  ...Object.fromEntries(MEMORY_SYSTEMS.map((name) => [name, SYSTEMS[name as SystemName].label])),
  "listroom-no-assets": "Listroom (wrangler dev) without [assets]",
} as Record<MemorySystem, string>;

export interface MemoryOptions {
  systems: MemorySystem[];
  /** Client counts, grown one after the other on the same server. */
  counts: number[];
  repeats: number;
  /** Price the bare room's additions (workerd, at the first count). */
  additions: boolean;
  /** The crowd at a full list, per Listroom system in `systems`; null: skipped. */
  crowd: { clients: number; fill: number } | null;
  serverCpu: number | null;
  listroomBundle(): WorkerBundle;
  bareBundle(): WorkerBundle;
  /** Which code the Listroom column ran. */
  provenance: string;
  /** After each count's reading, one save to every client and RSS read again (it changes the next count's reading). */
  afterSave: boolean;
  /** Other checkouts whose Listroom systems run beside this tree's (`--also-tree NAME=DIR`). */
  trees: OtherTree[];
  /**
   * Take heap snapshots (each after a full GC) before the clients and at the
   * last count, and list what grew per connection by constructor. The GC
   * changes the no-GC heap figures, so such a run is for finding, not for them.
   */
  heapSnapshots: boolean;
  /**
   * Sample what the isolate allocates while each count's clients arrive
   * (lib/allocationProfile.ts, collected objects included) and list the sites
   * by bytes per arrival. The profiler costs memory and time, so such a run is
   * for finding, not for figures.
   */
  allocationProfile: boolean;
}

export interface OtherTree {
  name: string;
  dir: string;
  bundle(): WorkerBundle;
  provenance(): string;
}

const SETTLE_MS = 1_000;
/** As issue 21 measured: memory is read this long after the last client opened. */
const READ_AFTER_MS = 4_000;
const CROWD_SAMPLE_MS = 100;
const CROWD_TIMEOUT_MS = 120_000;
const TWO_BYTE_CHAR = "é";
const KIB = 1024;
const MIB = 1024 * 1024;

interface Reading {
  rss: number;
  /** Used plus embedder heap, bytes; null where no inspector answered. */
  heap: number | null;
}

interface Column {
  system: MemorySystem;
  /** Another checkout this column runs from, or null for this tree. */
  tree: OtherTree | null;
  /** The bare room's additions for this column (`?with=`), empty for the plain systems. */
  additions: string[];
}

interface Sample {
  column: string;
  system: MemorySystem;
  tree: string | null;
  additions: string[];
  repeat: number;
  clients: number;
  opened: number;
  rssPerConnectionKiB: number;
  heapPerConnectionKiB: number | null;
  /** The same, read again after one save reached every client. */
  rssAfterSavePerConnectionKiB: number | null;
  /** At the last count, from heap snapshots (each after a full GC): what stays live per connection. */
  heapLivePerConnectionKiB: number | null;
}

interface CrowdSample {
  system: MemorySystem;
  repeat: number;
  clients: number;
  ready: number;
  peakRssGrowthMiB: number;
  settledRssGrowthMiB: number;
  heapGrowthMiB: number | null;
  lastReadyMs: number;
}

function label(column: Column): string {
  if (column.tree !== null) return `${column.system}@${column.tree.name}`;
  return column.additions.length === 0 ? column.system : `${column.system} +${column.additions.length === ADDITIONS.length ? "all" : column.additions.join("+")}`;
}

/** A TOML text without one top-level `[section]`: its lines up to the next line opening a section. */
function withoutSection(toml: string, section: string): string {
  let inside = false;
  return toml
    .split("\n")
    .filter((line) => {
      if (line.startsWith("[")) inside = line.trim() === `[${section}]`;
      return !inside;
    })
    .join("\n");
}

async function start(system: MemorySystem, options: MemoryOptions, tree: OtherTree | null = null): Promise<RunningSystem> {
  switch (system) {
    case "listroom":
      return (await startListroom(options.serverCpu, false, tree?.dir)).system;
    case "bare":
      return startBare(options.serverCpu);
    case "listroom-no-assets": {
      const app = snapshotListroom(tree?.dir);
      const config = join(app.dir, "wrangler.toml");
      writeFileSync(config, withoutSection(readFileSync(config, "utf8"), "assets"));
      return startWranglerSystem({
        name: "listroom",
        cwd: app.dir,
        configPath: null,
        healthPath: "/api/items?limit=1",
        coldStartPath: null,
        cpu: options.serverCpu,
        localObservability: false,
        vars: { EXPOSE_USAGE: "true" },
        usagePath: "/api/usage",
        cleanup: app.remove,
      });
    }
    case "listroom-workerd":
      return startWorkerdSystem({
        name: system,
        bundle: tree?.bundle() ?? options.listroomBundle(),
        vars: { EXPOSE_USAGE: "true" },
        healthPath: "/api/items?limit=1",
        usagePath: "/api/usage",
        cpu: options.serverCpu,
        inspectorPort: await freePort(),
      });
    case "bare-workerd":
      return startWorkerdSystem({ name: system, bundle: options.bareBundle(), vars: {}, healthPath: "/health", usagePath: null, cpu: options.serverCpu, inspectorPort: await freePort() });
  }
}

async function openInspector(system: RunningSystem, log: (line: string) => void): Promise<InspectorSession | null> {
  if (!system.inspectorOrigin) return null;
  try {
    return await InspectorSession.open(system.inspectorOrigin, system.protocol === "listroom" ? "listroom" : "bare");
  } catch (error) {
    log(`  ${system.name}: no inspector (${(error as Error).message}); RSS only`);
    return null;
  }
}

async function read(system: RunningSystem, session: InspectorSession | null): Promise<Reading> {
  const rss = rssOf(system.processes().server);
  if (!session) return { rss, heap: null };
  try {
    const usage = await session.send<{ usedSize: number; embedderHeapUsedSize?: number }>("Runtime.getHeapUsage");
    return { rss, heap: usage.usedSize + (usage.embedderHeapUsedSize ?? 0) };
  } catch {
    return { rss, heap: null };
  }
}

type HeapSummary = Map<string, { count: number; bytes: number }>;

function totalBytes(summary: HeapSummary): number {
  let total = 0;
  for (const { bytes } of summary.values()) total += bytes;
  return total;
}

/** What grew between two heap snapshots, per connection, largest first. */
function grownByConstructor(column: string, before: HeapSummary, after: HeapSummary, connections: number): string {
  const rows = [...after.entries()]
    .map(([name, { count, bytes }]) => ({ name, count: (count - (before.get(name)?.count ?? 0)) / connections, bytes: (bytes - (before.get(name)?.bytes ?? 0)) / connections }))
    .filter((row) => row.bytes > 8)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 25);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return [`  heap snapshot, ${column}: live growth per connection by constructor (top rows ${Math.round(total)} B)`, ...rows.map((row) => `    ${Math.round(row.bytes).toString().padStart(6)} B  ${row.count.toFixed(2).padStart(6)} ×  ${row.name.slice(0, 90)}`)].join("\n");
}

/** The arrivals' allocation sites, per arrival, written beside the run's other files. */
function logAllocations(column: Column, options: MemoryOptions, profile: Awaited<ReturnType<typeof sampleAllocations>>, arrivals: number, outDir: string, log: (line: string) => void): void {
  const bundle = column.system === "bare-workerd" ? options.bareBundle() : (column.tree?.bundle() ?? options.listroomBundle());
  const sites = allocationSites(profile, join(bundle.dir, `${bundle.mainModule}.map`));
  const perArrival = (bytes: number) => Math.round(bytes / arrivals).toString().padStart(6);
  const file = join(outDir, `${new Date().toISOString().replaceAll(":", "").slice(0, 17)}-${label(column)}-${arrivals}-allocations.json`);
  writeFileSync(file, `${JSON.stringify({ arrivals, ...sites }, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, ".heapprofile"), JSON.stringify(profile));
  log(`  ${label(column)}: ${arrivals} arrivals allocated ${perArrival(sites.totalBytes).trim()} B each (sampled, collected objects included); wrote ${shown(file)}`);
  log("    by the innermost frame of src/:");
  for (const site of sites.ours.slice(0, 15)) log(`    ${perArrival(site.bytes)} B  ${site.percent.toFixed(1).padStart(5)} %  ${site.where}`);
  log("    by allocating function:");
  for (const site of sites.self.slice(0, 20)) log(`    ${perArrival(site.bytes)} B  ${site.percent.toFixed(1).padStart(5)} %  ${site.where}`);
}

async function measureColumn(column: Column, repeat: number, options: MemoryOptions, outDir: string, log: (line: string) => void): Promise<Sample[]> {
  const system = await start(column.system, options, column.tree);
  const session = await openInspector(system, log);
  const protocol = system.protocol;
  const query = column.additions.length > 0 ? `?with=${column.additions.join(",")}` : "";
  const pool = new ClientPool(system.origin, protocol, null, system.requestHeaders, query);
  const writer = new SaveClient(system.origin, system.requestHeaders);
  const samples: Sample[] = [];
  try {
    const saved = await writer.save("memory warm-up", "its object exists before the baseline");
    if (!saved.ok) throw new Error(`${column.system}: the warm-up save failed: ${saved.problem}`);
    await delay(SETTLE_MS);
    const base = await read(system, session);
    const baseHeap = options.heapSnapshots && session ? await session.heapByConstructor() : null;
    const counts = column.additions.length > 0 ? options.counts.slice(0, 1) : options.counts;
    for (const [index, clients] of counts.entries()) {
      const before = pool.size;
      const arrived: { grown?: Awaited<ReturnType<ClientPool["grow"]>> } = {};
      const arrive = async () => {
        arrived.grown = await pool.grow(clients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
      };
      if (options.allocationProfile && session) {
        const profile = await sampleAllocations(session, arrive);
        logAllocations(column, options, profile, Math.max(1, pool.size - before), outDir, log);
      } else {
        await arrive();
      }
      const grown = arrived.grown!;
      if (grown.failed > 0) log(`  ${label(column)}: ${grown.failed} clients failed (${grown.firstFailure})`);
      await delay(READ_AFTER_MS);
      const at = await read(system, session);
      const opened = pool.size;
      if (opened === 0) throw new Error(`${label(column)}: no client opened at ${clients}`);
      const sample: Sample = {
        column: label(column),
        system: column.system,
        tree: column.tree?.name ?? null,
        additions: column.additions,
        repeat,
        clients,
        opened,
        rssPerConnectionKiB: round((at.rss - base.rss) / opened / KIB, 1),
        heapPerConnectionKiB: at.heap === null || base.heap === null ? null : round((at.heap - base.heap) / opened / KIB, 2),
        heapLivePerConnectionKiB: null,
        rssAfterSavePerConnectionKiB: null,
      };
      if (index === counts.length - 1 && session && baseHeap) {
        // workerd's inspector does not answer HeapProfiler.collectGarbage; a snapshot is taken after a full GC.
        const atHeap = await session.heapByConstructor();
        sample.heapLivePerConnectionKiB = round((totalBytes(atHeap) - totalBytes(baseHeap)) / opened / KIB, 2);
        log(grownByConstructor(label(column), baseHeap, atHeap, opened));
      }
      const delivered = options.afterSave ? await writer.save(`memory after ${clients}`, "one delivery to every client") : null;
      if (delivered?.ok) {
        await delay(READ_AFTER_MS);
        sample.rssAfterSavePerConnectionKiB = round((rssOf(system.processes().server) - base.rss) / opened / KIB, 1);
      } else if (delivered) {
        log(`  ${label(column)}: the save after ${clients} failed: ${delivered.problem}`);
      }
      samples.push(sample);
      log(`  ${sample.column} #${repeat + 1}, ${opened} open: RSS ${sample.rssPerConnectionKiB} KiB (${sample.rssAfterSavePerConnectionKiB ?? "—"} after a save), heap ${sample.heapPerConnectionKiB ?? "—"} KiB per connection`);
    }
  } finally {
    session?.close();
    await pool.closeAll();
    writer.close();
    await system.stop();
  }
  return samples;
}

async function measureCrowd(system: MemorySystem, repeat: number, options: MemoryOptions, log: (line: string) => void): Promise<CrowdSample> {
  const crowd = options.crowd!;
  const running = await start(system, options);
  const session = await openInspector(running, log);
  const pool = new ClientPool(running.origin, running.protocol, null, running.requestHeaders);
  const writer = new SaveClient(running.origin, running.requestHeaders);
  let timer: NodeJS.Timeout | null = null;
  try {
    const body = TWO_BYTE_CHAR.repeat(BODY_MAX_CHARS);
    for (let n = 0; n < crowd.fill; n++) {
      const saved = await writer.save(`full ${n}`, body);
      if (!saved.ok) throw new Error(`${system}: fill save ${n} failed: ${saved.problem}`);
    }
    await delay(SETTLE_MS);
    const base = await read(running, session);
    let peak = base.rss;
    const pids = running.processes().server;
    timer = setInterval(() => (peak = Math.max(peak, rssOf(pids))), CROWD_SAMPLE_MS);
    const started = now();
    const grown = await pool.grow(crowd.clients, CONNECTS_PER_SECOND, CROWD_TIMEOUT_MS);
    const lastReadyMs = Math.round(now() - started);
    await delay(READ_AFTER_MS);
    const settled = await read(running, session);
    peak = Math.max(peak, settled.rss);
    const sample: CrowdSample = {
      system,
      repeat,
      clients: crowd.clients,
      ready: grown.opened,
      peakRssGrowthMiB: round((peak - base.rss) / MIB, 1),
      settledRssGrowthMiB: round((settled.rss - base.rss) / MIB, 1),
      heapGrowthMiB: settled.heap === null || base.heap === null ? null : round((settled.heap - base.heap) / MIB, 2),
      lastReadyMs,
    };
    log(`  crowd on ${system} #${repeat + 1}: ${sample.ready}/${crowd.clients} had their snapshot within ${lastReadyMs} ms; peak RSS +${sample.peakRssGrowthMiB} MiB`);
    return sample;
  } finally {
    if (timer) clearInterval(timer);
    session?.close();
    await pool.closeAll();
    writer.close();
    await running.stop();
  }
}

function range(values: number[]): string {
  if (values.length === 0) return "—";
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return sorted.length === 1 ? `${median}` : `${median} (${sorted[0]}–${sorted.at(-1)})`;
}

const BARE_OF: Partial<Record<MemorySystem, MemorySystem>> = { listroom: "bare", "listroom-no-assets": "bare", "listroom-workerd": "bare-workerd" };

function ratios(samples: Sample[], column: string, system: MemorySystem, clients: number, key: "rssPerConnectionKiB" | "heapPerConnectionKiB" | "rssAfterSavePerConnectionKiB"): number[] {
  const bare = BARE_OF[system] ?? (system === "bare-workerd" && column !== system ? "bare-workerd" : null);
  if (bare === null) return [];
  const out: number[] = [];
  for (const sample of samples.filter((s) => s.column === column && s.clients === clients)) {
    const twin = samples.find((s) => s.column === bare && s.clients === clients && s.repeat === sample.repeat);
    const mine = sample[key];
    const theirs = twin?.[key];
    if (mine !== null && theirs !== null && theirs !== undefined && theirs > 0) out.push(round(mine / theirs, 2));
  }
  return out;
}

function tables(samples: Sample[], crowds: CrowdSample[]): string {
  const rows: string[] = [
    "| system | connections | runtime RSS per connection, KiB | ÷ bare (same repeat) | after one save to all, KiB | ÷ bare | JS heap per connection, KiB | live (heap snapshots, after a GC), KiB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const keys = [...new Set(samples.map((s) => `${s.column}\u0000${s.clients}`))];
  for (const key of keys) {
    const [column, clientsText] = key.split("\u0000") as [string, string];
    const clients = Number(clientsText);
    const mine = samples.filter((s) => s.column === column && s.clients === clients);
    const system = mine[0]!.system;
    const tree = mine[0]!.tree;
    const name = mine[0]!.additions.length > 0 ? `bare room (workerd) + ${column.split("+").slice(1).join("+")}` : `${LABELS[system]}${tree === null ? "" : `, ${tree}`}`;
    const heaps = mine.flatMap((s) => (s.heapPerConnectionKiB === null ? [] : [s.heapPerConnectionKiB]));
    const live = mine.flatMap((s) => (s.heapLivePerConnectionKiB === null ? [] : [s.heapLivePerConnectionKiB]));
    const afterSave = mine.flatMap((s) => (s.rssAfterSavePerConnectionKiB === null ? [] : [s.rssAfterSavePerConnectionKiB]));
    rows.push(
      `| ${name} | ${clients} | ${range(mine.map((s) => s.rssPerConnectionKiB))} | ${range(ratios(samples, column, system, clients, "rssPerConnectionKiB"))} | ${range(afterSave)} | ${range(ratios(samples, column, system, clients, "rssAfterSavePerConnectionKiB"))} | ${heaps.length > 0 ? range(heaps) : "— (no inspector)"} | ${live.length > 0 ? range(live) : "—"} |`,
    );
  }
  if (crowds.length > 0) {
    rows.push("", "| crowd at a full list | clients with a snapshot | last snapshot after the crowd began, ms | peak RSS growth, MiB | RSS growth 4 s later, MiB | heap growth, MiB |", "| --- | --- | --- | --- | --- | --- |");
    for (const system of [...new Set(crowds.map((c) => c.system))]) {
      const mine = crowds.filter((c) => c.system === system);
      const heaps = mine.flatMap((c) => (c.heapGrowthMiB === null ? [] : [c.heapGrowthMiB]));
      rows.push(
        `| ${LABELS[system]} | ${mine.map((c) => `${c.ready}/${c.clients}`).join(", ")} | ${range(mine.map((c) => c.lastReadyMs))} | ${range(mine.map((c) => c.peakRssGrowthMiB))} | ${range(mine.map((c) => c.settledRssGrowthMiB))} | ${heaps.length > 0 ? range(heaps) : "—"} |`,
      );
    }
  }
  return rows.join("\n");
}

export async function measureMemory(options: MemoryOptions, command: string, outDir: string, log: (line: string) => void): Promise<number> {
  const columns: Column[] = options.systems.flatMap((system) => [
    { system, tree: null, additions: [] },
    ...(system.startsWith("listroom") ? options.trees.map((tree) => ({ system, tree, additions: [] })) : []),
  ]);
  if (options.additions && options.systems.includes("bare-workerd")) {
    for (const addition of ADDITIONS) columns.push({ system: "bare-workerd", tree: null, additions: [addition] });
    columns.push({ system: "bare-workerd", tree: null, additions: [...ADDITIONS] });
    for (const probe of PROBES) columns.push({ system: "bare-workerd", tree: null, additions: [probe] });
  }
  const startedAt = new Date();
  const samples: Sample[] = [];
  const crowds: CrowdSample[] = [];
  const errors: string[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    log(`memory, repeat ${repeat + 1} of ${options.repeats}`);
    for (const column of columns) {
      try {
        samples.push(...(await measureColumn(column, repeat, options, outDir, log)));
      } catch (error) {
        errors.push(`${label(column)} #${repeat + 1}: ${(error as Error).message.slice(0, 500)}`);
        log(`  ${label(column)} failed: ${(error as Error).message.slice(0, 500)}`);
      }
    }
    if (options.crowd) {
      for (const system of options.systems.filter((name) => name.startsWith("listroom"))) {
        try {
          crowds.push(await measureCrowd(system, repeat, options, log));
        } catch (error) {
          errors.push(`crowd on ${system} #${repeat + 1}: ${(error as Error).message.slice(0, 500)}`);
          log(`  crowd on ${system} failed: ${(error as Error).message.slice(0, 500)}`);
        }
      }
    }
  }
  const table = tables(samples, crowds);
  const stamp = startedAt.toISOString().replaceAll(":", "").slice(0, 17);
  const markdown = [
    "# Memory per connection",
    "",
    `Command: \`${command}\`; ${startedAt.toISOString()}; Listroom: ${options.provenance}${options.trees.map((tree) => `; ${tree.name} (${tree.dir}): ${tree.provenance()}`).join("")}.`,
    `Medians over ${options.repeats} repeats (range in brackets); the systems alternate within each repeat. RSS of the runtime workerd; heap from the inspector (used + embedder, no forced GC), read ${READ_AFTER_MS / 1000} s after the last client opened. The machine is shared: other processes ran beside this one.`,
    "",
    table,
    ...(errors.length > 0 ? ["", "Errors:", ...errors.map((error) => `- ${error}`)] : []),
    "",
  ].join("\n");
  const file = join(outDir, `${stamp}-memory.md`);
  writeFileSync(file, markdown);
  writeFileSync(join(outDir, `${stamp}-memory.json`), `${JSON.stringify({ command, startedAt: startedAt.toISOString(), provenance: options.provenance, options: { ...options, listroomBundle: undefined, bareBundle: undefined, trees: options.trees.map((tree) => ({ name: tree.name, dir: tree.dir, provenance: tree.provenance() })) }, samples, crowds, errors }, null, 2)}\n`);
  console.log(table);
  log(`wrote ${shown(file)}`);
  return errors.length > 0 ? 1 : 0;
}
