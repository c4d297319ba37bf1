/**
 * `npm run bench -- relay-viewers [--counts 1000,5000,10000] [--saves 15] [--relays AFTER:CAPACITY]`:
 * one list, many viewers, with relays and without, side by side. Listroom
 * runs on workerd (Miniflare, the load generator connecting straight to it,
 * since `wrangler dev` stops near 4,000 sockets here) twice: relays off
 * (`RELAY_AFTER` at its maximum, so the list's object holds everyone), then
 * on. For each count: a measured point (one save a second; to the last
 * viewer p50/p99; every viewer's every item in order, once), the list's
 * object's work per save from the usage answer (frames on its own sockets +
 * relay calls), the runtime's file descriptors, then the same point again
 * under a V8 CPU profile whose samples are charged to the object whose code
 * is on the stack (lib/v8Profile.ts `cpuByOwner`): every object shares one
 * workerd process here, so the process's CPU cannot tell the list's object
 * from its relays. The inspector is open throughout, so absolute figures
 * run a little slower than the plain workerd column's.
 */
import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shown } from "../../harness/results";
import { freePort, HOST } from "../../harness/net";
import { delay } from "../../harness/wait";
import { cpuByOwner, InspectorSession, type CpuOwner, type CpuShares } from "../lib/v8Profile";
import { round } from "../lib/stats";
import { ClientPool } from "../load/clients";
import { PAGE_ACK_DELAY_CAP_MS } from "../load/protocols";
import { SaveClient } from "../load/writers";
import { CONNECT_TIMEOUT_MS, CONNECTS_PER_SECOND } from "../plan";
import type { RunningSystem } from "../systems/types";
import type { WorkerBundle } from "../systems/workerBundle";
import { startWorkerdSystem } from "../systems/workerd";
import { runPoint, type PointResult } from "./point";
import { VARIABLES } from "../../../src/config/variables";

export const RELAY_RUN_COUNTS = [1_000, 5_000, 10_000];
const DRAIN_TIMEOUT_MS = 10_000;
const USAGE_TIMEOUT_MS = 10_000;

export interface RelayRunOptions {
  counts: number[];
  saves: number;
  /** The relays-on configuration; relays off is `RELAY_AFTER` at its maximum. */
  relays: { after: number; capacity: number };
  serverCpu: number | null;
  /** Built unminified (a profile names functions), with its source map. */
  bundle: () => WorkerBundle;
  provenance: string;
}

interface RelaysUsage {
  framesOut: number;
  relayCalls: number;
  relays: Array<{ relay: number; connections: number; framesOut: number }>;
}

interface Step {
  config: "off" | "on";
  viewers: number;
  point: PointResult | null;
  problem: string | null;
  /** The list's object per save: frames on its own sockets, calls to relays. */
  framesOutPerSave: number | null;
  relayCallsPerSave: number | null;
  relayConnections: number[];
  /** Descriptors the runtime's workerd holds, and per open socket beyond those held with none open. */
  runtimeFds: number;
  fdKinds: Record<string, number>;
  /** Distinct sockets among them (each connection's socket is held by two descriptors). */
  distinctSockets: number;
  /** The profiled point's raw .cpuprofile (Chrome DevTools opens it). */
  profileFile: string | null;
  fdsPerSocket: number | null;
  /** Profiled point: busy time per save (µs) charged to each owner's code (wall time on the isolate's thread, preemption included). */
  cpuUsPerSave: CpuShares | null;
  /** Profiled point: the runtime's CPU per save from /proc (true CPU, every object together). */
  profiledServerCpuUsPerSave: number | null;
  /** The list's share of the profile's busy time × the runtime's CPU per save: the list object's CPU per save, estimated. */
  listCpuUsPerSave: number | null;
}

/** Modules both the list's object and its relays run (the engine, src/delivery/engine.ts wires them): their code alone names no owner. */
const SHARED_MODULES = /^src\/delivery\//;

/** Which object runs a source file's code: the list's own object, its relays, the Worker; null for shared modules and libraries. */
export function ownerOf(path: string): CpuOwner | null {
  if (path.startsWith("src/worker/")) return "worker";
  if (path.startsWith("src/relay/")) return "relay";
  if (SHARED_MODULES.test(path)) return null;
  if (path.startsWith("src/room/")) return "list";
  return null;
}

async function readRelaysUsage(system: RunningSystem): Promise<RelaysUsage | null> {
  try {
    const response = await fetch(`${system.origin}/api/usage`, { headers: system.requestHeaders, signal: AbortSignal.timeout(USAGE_TIMEOUT_MS) });
    if (!response.ok) return null;
    const body = (await response.json()) as { usage: { framesOut: number }; relayCalls: number; relays: RelaysUsage["relays"] };
    return { framesOut: body.usage.framesOut, relayCalls: body.relayCalls, relays: body.relays };
  } catch {
    return null;
  }
}

function descriptorsOf(pids: number[]): number {
  return Object.values(descriptorKinds(pids)).reduce((sum, count) => sum + count, 0);
}

/** What each of the processes' descriptors points at (`socket:[inode]`, `pipe:[inode]`, a path), or "gone". */
function descriptorTargets(pids: number[]): string[] {
  const targets: string[] = [];
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        targets.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // Closed while we looked.
        targets.push("gone");
      }
    }
  }
  return targets;
}

/** The runtime's descriptors by kind (socket, pipe, anon_inode:[eventfd], a file), to say what a socket costs. */
function descriptorKinds(pids: number[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const target of descriptorTargets(pids)) {
    const kind = target.replace(/:\[\d+\]$/, "").replace(/^\/.*/, "file");
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

/**
 * Distinct sockets behind the runtime's socket descriptors: workerd holds
 * each connection it accepts twice (a duplicate, to notice the client
 * hanging up), so this is about half the socket descriptors.
 */
function distinctSockets(pids: number[]): number {
  return new Set(descriptorTargets(pids).filter((target) => target.startsWith("socket:"))).size;
}

function row(step: Step): string {
  const config = step.config === "on" ? "on" : "off";
  if (!step.point) return `| ${config} | ${step.viewers} | — | — | — | — | — | — | — | — | ${step.problem} |`;
  const { toLast, reach, gaps, duplicates, saves, clients } = step.point;
  const work = step.framesOutPerSave === null ? "—" : `${step.framesOutPerSave} + ${step.relayCallsPerSave}`;
  const cpu = step.cpuUsPerSave;
  const where = step.relayConnections.length === 0 ? "list only" : `list ${clients - step.relayConnections.reduce((a, b) => a + b, 0)}, ${step.relayConnections.length} relays`;
  return `| ${config} | ${clients} | ${toLast.p50} | ${toLast.p99} | ${work} | ${step.listCpuUsPerSave ?? "—"} | ${step.profiledServerCpuUsPerSave ?? "—"} | ${cpu ? `${Math.round(cpu.list)} / ${Math.round(cpu.relay)}` : "—"} | ${cpu ? `${Math.round(cpu.worker)} / ${Math.round(cpu.shared)} / ${Math.round(cpu.native)}` : "—"} | ${step.fdsPerSocket ?? "—"} | ${where}; ${saves} saves; reach ${reach}; gaps ${gaps}; duplicates ${duplicates} |`;
}

export async function measureRelays(options: RelayRunOptions, command: string, outDir: string, log: (line: string) => void): Promise<number> {
  const startedAt = new Date();
  const bundle = options.bundle();
  const configs: Array<{ config: Step["config"]; vars: Record<string, string> }> = [
    { config: "off", vars: { RELAY_AFTER: String(VARIABLES.RELAY_AFTER.max) } },
    { config: "on", vars: { RELAY_AFTER: String(options.relays.after), RELAY_CAPACITY: String(options.relays.capacity) } },
  ];
  const steps: Step[] = [];
  // Kept after the run (several MB each), so not in a temporary folder that goes at exit.
  const rawDir = mkdtempSync(join(tmpdir(), "listroom-relay-profiles-"));
  const spec = { savesPerSecond: 1, saves: options.saves, drainTimeoutMs: DRAIN_TIMEOUT_MS };
  for (const { config, vars } of configs) {
    const inspectorPort = await freePort();
    const system = await startWorkerdSystem({
      name: "listroom-workerd",
      bundle,
      vars: { EXPOSE_USAGE: "true", ...vars },
      healthPath: "/api/items?limit=1",
      usagePath: "/api/usage",
      cpu: options.serverCpu,
      inspectorPort,
    });
    const session = await InspectorSession.open(`http://${HOST}:${inspectorPort}`, "listroom-workerd");
    const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
    const writer = new SaveClient(system.origin, system.requestHeaders);
    const runtime = system.processes().server;
    const idleFds = descriptorsOf(runtime);
    try {
      for (const viewers of options.counts) {
        const grown = await pool.grow(viewers, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
        const empty = { framesOutPerSave: null, relayCallsPerSave: null, relayConnections: [], runtimeFds: descriptorsOf(runtime), fdKinds: descriptorKinds(runtime), distinctSockets: distinctSockets(runtime), profileFile: null, fdsPerSocket: null, cpuUsPerSave: null, profiledServerCpuUsPerSave: null, listCpuUsPerSave: null };
        if (pool.size < viewers) {
          steps.push({ config, viewers, point: null, problem: `${pool.size} of ${viewers} connected (${grown.firstFailure})`, ...empty });
          break;
        }
        // The snapshots' batched acks come in, as a page's would, before the saves start.
        await delay(PAGE_ACK_DELAY_CAP_MS + 1_000);
        const runtimeFds = descriptorsOf(runtime);
        const before = await readRelaysUsage(system);
        const point = await runPoint(system, pool, writer, spec);
        const after = await readRelaysUsage(system);
        const perSave = (value: number) => round(value / point.saves, 1);
        const framesOutPerSave = before && after ? perSave(after.framesOut - before.framesOut) : null;
        const relayCallsPerSave = before && after ? perSave(after.relayCalls - before.relayCalls) : null;
        await delay(PAGE_ACK_DELAY_CAP_MS + 1_000);
        const profiled: { point?: PointResult } = {};
        const profile = await session.profile(async () => {
          profiled.point = await runPoint(system, pool, writer, spec);
        });
        const profileFile = join(rawDir, `relays-${config}-${viewers}.cpuprofile`);
        writeFileSync(profileFile, JSON.stringify(profile));
        const charged = cpuByOwner(profile, join(bundle.dir, `${bundle.mainModule}.map`), ownerOf);
        const saves = profiled.point!.saves;
        const cpuUsPerSave = Object.fromEntries(Object.entries(charged).map(([share, ms]) => [share, (ms * 1000) / saves])) as CpuShares;
        const step: Step = {
          config,
          viewers,
          point,
          problem: null,
          framesOutPerSave,
          relayCallsPerSave,
          relayConnections: (after?.relays ?? []).map((relay) => relay.connections),
          runtimeFds,
          fdKinds: descriptorKinds(runtime),
          distinctSockets: distinctSockets(runtime),
          profileFile,
          fdsPerSocket: round((runtimeFds - idleFds) / pool.size, 2),
          cpuUsPerSave,
          profiledServerCpuUsPerSave: Math.round(profiled.point!.serverCpuUsPerSave),
          listCpuUsPerSave: Math.round((profiled.point!.serverCpuUsPerSave * charged.list) / Math.max(1e-9, Object.values(charged).reduce((a, b) => a + b, 0))),
        };
        steps.push(step);
        log(
          `  relays ${config}, ${viewers} viewers: to the last p50 ${point.toLast.p50} / p99 ${point.toLast.p99} ms; reach ${point.reach}; list per save ${framesOutPerSave} frames + ${relayCallsPerSave} calls; CPU per save list ${Math.round(cpuUsPerSave.list)} µs, relays ${Math.round(cpuUsPerSave.relay)} µs, shared ${Math.round(cpuUsPerSave.shared)} µs, native ${Math.round(cpuUsPerSave.native)} µs; ${step.fdsPerSocket} fds a socket (${step.fdKinds.socket ?? 0} socket descriptors, ${step.distinctSockets} distinct sockets)`,
        );
      }
    } finally {
      session.close();
      await pool.closeAll();
      writer.close();
      await system.stop();
    }
  }
  const ratio = (config: "off" | "on") => {
    const at = (viewers: number) => steps.find((step) => step.config === config && step.viewers === viewers)?.cpuUsPerSave?.list;
    const low = at(options.counts[0]!);
    const high = at(options.counts.at(-1)!);
    return low && high ? `${round(high / low, 2)}×` : "—";
  };
  const table = [
    "| relays | viewers | to the last viewer p50, ms | p99, ms | list object per save: frames + relay calls | list object CPU per save (est.), µs | runtime CPU per save, µs | profile: list / relays, µs | Worker / shared modules / native, µs | runtime fds per socket | notes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...steps.map(row),
  ].join("\n");
  const stamp = startedAt.toISOString().replaceAll(":", "").slice(0, 17);
  const file = join(outDir, `${stamp}-relays.md`);
  writeFileSync(
    file,
    [
      "# One list, many viewers, relays off and on",
      "",
      `Command: \`${command}\`; ${startedAt.toISOString()}; Listroom: ${options.provenance}; relays on: RELAY_AFTER ${options.relays.after}, RELAY_CAPACITY ${options.relays.capacity}.`,
      `Listroom on workerd (Miniflare), the load generator connecting straight to it; every object runs in that one workerd process. One save a second, ${options.saves} per count, viewers acknowledging as the page does. Latency and the list's work per save come from a plain point; CPU per save from a second point under a V8 CPU profile, each sample charged to the object whose code is outermost on its stack (the list's own modules in src/room: the list; src/relay: relays; a continuation in the engine both run, src/delivery: shared; no JavaScript on the stack, the runtime's own socket work and GC: native). Profile time is wall time on the isolate's thread (a thread preempted by other processes still shows its stack), and a sample's time is capped at ten sampling intervals (workerd leaves the isolate while it waits, and the sample before a wait would otherwise carry it). The list object's CPU per save is its own JavaScript time in the profile (the "profile: list" column); the "est." column is its share of the profile's busy time times the runtime's CPU from /proc over the same point, which also spreads the profiler's own cost and the runtime's native work pro rata. The inspector is open throughout.`,
      `The list object's JavaScript time per save in the profile, ${options.counts.at(-1)} viewers ÷ ${options.counts[0]}: relays off ${ratio("off")}, on ${ratio("on")}.`,
      "",
      table,
      "",
    ].join("\n"),
  );
  writeFileSync(join(outDir, `${stamp}-relays.json`), `${JSON.stringify({ command, startedAt: startedAt.toISOString(), provenance: options.provenance, relays: options.relays, steps }, null, 2)}\n`);
  console.log(table);
  log(`wrote ${shown(file)}`);
  return steps.some((step) => step.point === null) ? 1 : 0;
}
