/**
 * What the benchmark's page-client scenarios (`steady`, `crowd`, `slow-readers`,
 * once `npm run soak`) share: a server run from a copy of the app (so edits to
 * src/ during a run cannot reload it), the runtime's memory sampled on a
 * timer, page clients over `ws` whose every socket is watched (attempts,
 * welcomes, the largest frame), saves, percentiles, the load average, and a
 * bounded CPU hog pinned beside the server. Everything targets 127.0.0.1.
 */
import { listPaths } from "../../../src/protocol/lists";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import type { Applied } from "../../../src/client/core/inbox";
import { LiveConnection, browserScheduler, type SocketLike } from "../../../src/client/core/liveConnection";
import { utf8Length } from "../../../src/protocol/frames";
import { copyApp } from "../../harness/appCopy";
import { createList } from "../../harness/lists";
import { CLOCK_TICKS_PER_SECOND, cpuTicksOf, peakRssOf, rssOf } from "../../harness/proc";
import { startProcessGroup, type ProcessGroup } from "../../harness/processGroup";
import { PROJECT_ROOT } from "../../harness/paths";
import { shown } from "../../harness/results";
import { startWranglerDev, type WranglerDev } from "../../harness/wranglerDev";
import type { ScenarioContext } from "../scenario";

export const MIB = 2 ** 20;

/**
 * What a scenario measured, as a Markdown table, and whether every client got
 * what it was owed (a scenario that lost deliveries measured nothing worth reading).
 */
export interface ScenarioOutcome {
  complete: boolean;
  table: string;
}

/** Writes a page-client scenario's table to the results folder; the exit code says whether every client got everything. */
export function publishOutcome(name: string, outcome: ScenarioOutcome, { outDir, command, log }: ScenarioContext): number {
  const file = join(outDir, `${new Date().toISOString().replaceAll(":", "").slice(0, 17)}-${name}.md`);
  writeFileSync(file, `# Scenario ${name}\n\nCommand: \`${command}\`\n\n${outcome.table}\n`);
  log(`wrote ${shown(file)}`);
  return outcome.complete ? 0 : 1;
}

/** The app under wrangler dev from a copy of the working tree; `cpu` pins it to one core. */
export async function startScenarioServer(vars: Record<string, number | string>, cpu: number | null = null): Promise<{ server: WranglerDev; dispose(): Promise<void> }> {
  const app = copyApp("listroom-scenario-app-");
  try {
    const server = await startWranglerDev({ label: "wrangler dev (bench scenario)", projectDir: app.dir, vars, cpu });
    return {
      server,
      dispose: async () => {
        await server.dispose();
        app.remove();
      },
    };
  } catch (error) {
    app.remove();
    throw error;
  }
}

/** Resident memory of the runtime workerd (not the dev proxy or wrangler's Node), in bytes. */
export function runtimeMemory(server: WranglerDev): { rss: number; peakRss: number } {
  const pids = server.processes().server;
  return { rss: rssOf(pids), peakRss: pids.reduce((sum, pid) => sum + peakRssOf(pid), 0) };
}

/** Samples the runtime's RSS every `everyMs` and keeps the highest. */
export function sampleMemory(server: WranglerDev, everyMs = 250): { peak(): number; stop(): void } {
  let peak = runtimeMemory(server).rss;
  const timer = setInterval(() => (peak = Math.max(peak, runtimeMemory(server).rss)), everyMs);
  return {
    peak: () => Math.max(peak, runtimeMemory(server).rss),
    stop: () => clearInterval(timer),
  };
}

/**
 * CPU seconds spent from now on by the runtime workerd, the rest of wrangler's
 * group (the dev proxy every socket passes through, wrangler's Node) and this
 * process (the clients): where a slow run's time went.
 */
export function cpuMeter(server: WranglerDev): () => string {
  const read = () => {
    const { server: runtime, tooling } = server.processes();
    const own = process.cpuUsage();
    return { runtime: cpuTicksOf(runtime), tooling: cpuTicksOf(tooling), clients: (own.user + own.system) / 1e6 };
  };
  const start = read();
  return () => {
    const end = read();
    const seconds = (ticks: number) => (ticks / CLOCK_TICKS_PER_SECOND).toFixed(1);
    return `runtime ${seconds(end.runtime - start.runtime)} s, dev proxy and wrangler ${seconds(end.tooling - start.tooling)} s, clients ${(end.clients - start.clients).toFixed(1)} s`;
  };
}

export function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}

/** Saves one item; resolves with its id once answered 201. */
export async function saveItem(baseUrl: string, key: string, title: string, body: string, itemsPath = "/api/items"): Promise<string> {
  const response = await fetch(`${baseUrl}${itemsPath}`, {
    method: "POST",
    // The server takes keys of 16 characters or more: the caller's name for the save, made unguessable.
    headers: { "content-type": "application/json", "idempotency-key": `${key}.${crypto.randomUUID()}` },
    body: JSON.stringify({ title, body }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 201) throw new Error(`save ${key} answered ${response.status}: ${await response.text()}`);
  const { item } = (await response.json()) as { item: { id: string } };
  return item.id;
}

/** Lists created for the run, as the page creates them; their paths. */
export async function createLists(baseUrl: string, count: number): Promise<ReturnType<typeof listPaths>[]> {
  const lists: ReturnType<typeof listPaths>[] = [];
  for (let n = 0; n < count; n++) lists.push(listPaths(await createList(baseUrl, `scenario ${n + 1}`)));
  return lists;
}

/** What one page client's sockets did. */
export interface SocketTally {
  /** Sockets opened: the first try and every retry. */
  opened: number;
  welcomed: number;
  /** Sockets the client itself closed before a welcome (its connect timeout). */
  abandoned: number;
  largestFrameBytes: number;
  closeCodes: number[];
}

export interface PageClient {
  connection: LiveConnection;
  startedAt: number;
  snapshotAt: number | null;
  /** Item ids from item frames, in the order applied, and when each arrived. */
  applied: string[];
  arrivedAt: Map<string, number>;
  duplicates: number;
  sockets: SocketTally;
  /** The `ws` socket in use now (for pausing it). */
  current: WebSocket | null;
}

/** A `ws` socket as the page's LiveConnection sees it, with its frames and fate tallied. */
function watchedSocket(url: string, client: PageClient): SocketLike {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const tally = client.sockets;
  let welcomed = false;
  tally.opened++;
  client.current = ws;
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    tally.largestFrameBytes = Math.max(tally.largestFrameBytes, utf8Length(text));
    if (!welcomed && text.startsWith('{"type":"welcome"')) {
      welcomed = true;
      tally.welcomed++;
    }
  });
  ws.on("close", (code) => tally.closeCodes.push(code));
  ws.on("error", () => undefined);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => {
      if (!welcomed) tally.abandoned++;
      // Codes a browser page may send; `ws` refuses 4000 while connecting, and the close is what matters.
      ws.close(code, reason);
    },
    addEventListener: ((type: string, listener: (event: never) => void) => ws.addEventListener(type as "open", listener as () => void)) as SocketLike["addEventListener"],
  };
}

/** A page client (the page's own LiveConnection) that records what it applied and when. */
export function openPageClient(socketUrl: string): PageClient {
  const client: PageClient = {
    connection: null as unknown as LiveConnection,
    startedAt: Date.now(),
    snapshotAt: null,
    applied: [],
    arrivedAt: new Map(),
    duplicates: 0,
    sockets: { opened: 0, welcomed: 0, abandoned: 0, largestFrameBytes: 0, closeCodes: [] },
    current: null,
  };
  const onApplied = (changes: Applied[]) => {
    const now = Date.now();
    for (const change of changes) {
      if (change.kind === "snapshot") client.snapshotAt ??= now;
      // The scenarios make saves only; an edit or removal would be someone else's.
      if (change.kind === "edited" || change.kind === "removed") continue;
      const items = change.kind === "snapshot" ? change.items : [change.item];
      for (const item of items) {
        if (client.arrivedAt.has(item.id)) client.duplicates++;
        client.arrivedAt.set(item.id, now);
        if (change.kind === "item") client.applied.push(item.id);
      }
    }
  };
  client.connection = new LiveConnection({
    socketUrl,
    createSocket: (url) => watchedSocket(url, client),
    scheduler: browserScheduler,
    onApplied,
    onStatus: () => undefined,
  });
  client.connection.start();
  return client;
}

/**
 * A busy loop pinned to `cpu` for at most `seconds`: slowness beside the
 * server, bounded so it ends even if this process dies without stopping it.
 */
export function startCpuHog(cpu: number, seconds: number): ProcessGroup {
  const script = `const end = Date.now() + ${Math.round(seconds * 1000)}; while (Date.now() < end) {}`;
  return startProcessGroup({ label: "cpu hog", command: process.execPath, args: ["-e", script], cwd: PROJECT_ROOT, cpu });
}
