/**
 * `npm run bench -- crowd` (issue 8): a list filled to the brim (200 items of 5,000
 * two-byte characters), then N fresh page clients arriving within one
 * second. Reports each client's time to its snapshot, the last snapshot
 * after the crowd began, the largest frame, the runtime's RSS growth, and
 * how many attempts were abandoned (the page's welcome timeout) and retried.
 * With `--hog`, the server and a bounded busy loop share one core, to show
 * that a slow room does not turn into a retry storm.
 */
import { BODY_MAX_CHARS, FRAME_MAX_BYTES } from "../../../src/protocol/limits";
import { join } from "node:path";
import { hasPerf, recordProfile, summarizeProfile } from "../lib/profile";
import { makeTempDir } from "../../harness/tempDirs";
import { holdsWithin } from "../../harness/wait";
import { type ScenarioOutcome, cpuMeter, loadAverage, mib, openPageClient, percentile, runtimeMemory, sampleMemory, saveItem, startCpuHog, startScenarioServer, type PageClient } from "./pageClients";

export interface CrowdOptions {
  clients: number;
  /** Items in the list before the crowd arrives. */
  fill: number;
  hog: boolean;
  /** Connect to the runtime's own port, past wrangler's dev proxy. */
  direct: boolean;
  /** Sample the runtime and the dev proxy with `perf` for this many seconds from the crowd's start (0: no). */
  profileSeconds: number;
}

const CROWD_WINDOW_MS = 1_000;
const CROWD_TIMEOUT_MS = 120_000;
/** The server's core when it shares one with the hog. */
const SERVER_CPU = 1;
const HOG_MAX_SECONDS = CROWD_TIMEOUT_MS / 1000 + 30;
/** Two bytes in UTF-8 each. */
const TWO_BYTE_CHAR = "é";

export async function runCrowd(options: CrowdOptions): Promise<ScenarioOutcome> {
  const started = Date.now();
  const { server, dispose } = await startScenarioServer(
    { RESEND_INTERVAL_MS: 30_000, MAX_SEND_ATTEMPTS: 5, RESUME_WINDOW_MS: 120_000 },
    options.hog ? SERVER_CPU : null,
  );
  const clients: PageClient[] = [];
  let hog: ReturnType<typeof startCpuHog> | null = null;
  let memory: ReturnType<typeof sampleMemory> | null = null;
  try {
    const body = TWO_BYTE_CHAR.repeat(BODY_MAX_CHARS);
    for (let n = 0; n < options.fill; n++) await saveItem(server.baseUrl, `crowd-fill-${n}`, `full ${n}`, body);
    const baseline = runtimeMemory(server).rss;
    console.log(`list filled with ${options.fill} items; runtime RSS ${mib(baseline)}; load ${loadAverage()}`);
    if (options.hog) hog = startCpuHog(SERVER_CPU, HOG_MAX_SECONDS);
    memory = sampleMemory(server);
    const cpu = cpuMeter(server);
    const runtime = server.runtime();
    if (options.direct && !runtime) throw new Error("--direct: the runtime's own port was not found");
    const socketUrl = options.direct ? `${runtime!.origin.replace(/^http/, "ws")}/ws` : server.wsUrl;
    const profiles = options.profileSeconds > 0 && hasPerf() ? startProfiles(server.processes(), runtime?.pid ?? null, options.profileSeconds) : null;
    const loadBefore = loadAverage();
    const crowdStart = Date.now();
    for (let n = 0; n < options.clients; n++) {
      const due = crowdStart + (n * CROWD_WINDOW_MS) / options.clients;
      if (due > Date.now()) await new Promise((done) => setTimeout(done, due - Date.now()));
      clients.push(openPageClient(socketUrl));
    }
    const arrivedWithin = Date.now() - crowdStart;
    const allSnapshots = await holdsWithin(() => clients.every((client) => client.snapshotAt !== null), {
      what: "every client's snapshot",
      timeoutMs: CROWD_TIMEOUT_MS,
      pollMs: 20,
    });
    const allLive = await holdsWithin(() => clients.every((client) => client.connection.currentStatus.state === "live"), {
      what: "every client to be live",
      timeoutMs: 30_000,
    });
    const peak = memory.peak();
    const settledRss = runtimeMemory(server).rss;
    const cpuSpent = cpu();
    const loadAfter = loadAverage();
    const waits = clients.flatMap((client) => (client.snapshotAt === null ? [] : [client.snapshotAt - client.startedAt])).sort((a, b) => a - b);
    const lastSnapshot = Math.max(...clients.map((client) => client.snapshotAt ?? Number.NaN)) - crowdStart;
    const largest = Math.max(...clients.map((client) => client.sockets.largestFrameBytes));
    const snapshotItems = clients.map((client) => client.arrivedAt.size);
    const opened = clients.reduce((sum, client) => sum + client.sockets.opened, 0);
    const abandoned = clients.reduce((sum, client) => sum + client.sockets.abandoned, 0);
    const rows = [
      `| mode | crowd: ${options.clients} fresh clients within ${arrivedWithin} ms at a list of ${options.fill} × ${BODY_MAX_CHARS} two-byte characters${options.hog ? `; server and a busy loop share core ${SERVER_CPU}` : ""}${options.direct ? "; straight to the runtime, past the dev proxy" : ""} |`,
      `| load average (1 / 5 / 15 min) before / after | ${loadBefore}; ${loadAfter} |`,
      `| clients with a snapshot | ${waits.length} of ${options.clients}${allLive ? ", all live" : ", NOT all live"} |`,
      `| time to snapshot p50 / p99 / max | ${percentile(waits, 50)} / ${percentile(waits, 99)} / ${waits.at(-1)} ms |`,
      `| last snapshot after the crowd began | ${lastSnapshot} ms |`,
      `| items per snapshot | ${Math.min(...snapshotItems)}–${Math.max(...snapshotItems)} (hasOlder: the rest over HTTP) |`,
      `| largest frame | ${largest} bytes (limit ${FRAME_MAX_BYTES}) |`,
      `| runtime RSS before / peak (sampled every 0.25 s) / growth | ${mib(baseline)} / ${mib(peak)} / ${mib(peak - baseline)} |`,
      `| runtime RSS once every client was live (their sockets idle) | ${mib(settledRss)} |`,
      `| CPU spent from the crowd's start until every client was live | ${cpuSpent} |`,
      `| sockets opened / abandoned before a welcome / retries | ${opened} / ${abandoned} / ${opened - options.clients} |`,
      `| wall time | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
    ];
    const table = ["| crowd | figure |", "| --- | --- |", ...rows].join("\n");
    console.log(table);
    if (profiles) await printProfiles(profiles);
    return { complete: allSnapshots && allLive && largest <= FRAME_MAX_BYTES, table };
  } finally {
    memory?.stop();
    await hog?.kill();
    for (const client of clients) client.connection.stop();
    await dispose();
  }
}

type Profiles = { label: string; file: string; recorded: Promise<string | null> }[];

/** `perf` on the runtime and on the dev proxy (the other workerd), from now for `seconds`. */
function startProfiles(processes: { server: number[]; tooling: number[] }, runtimePid: number | null, seconds: number): Profiles {
  const dir = makeTempDir("listroom-scenario-perf-");
  const targets: [string, number | undefined][] = [
    ["runtime workerd", runtimePid ?? processes.server[0]],
    ["dev proxy and wrangler (largest)", processes.tooling.at(-1)],
  ];
  return targets.flatMap(([label, pid]) => {
    if (pid === undefined) return [];
    const file = join(dir, `${pid}.data`);
    return [{ label, file, recorded: recordProfile(pid, seconds, file) }];
  });
}

async function printProfiles(profiles: Profiles): Promise<void> {
  for (const profile of profiles) {
    const problem = await profile.recorded;
    const summary = problem ?? summarizeProfile(profile.file);
    if (typeof summary === "string") {
      console.log(`profile of the ${profile.label}: ${summary}`);
      continue;
    }
    const buckets = Object.entries(summary.buckets).sort(([, a], [, b]) => b - a);
    console.log(`profile of the ${profile.label} (${summary.samples} samples):`);
    for (const [bucket, percent] of buckets) console.log(`  ${percent.toFixed(1)}%  ${bucket}`);
    for (const row of summary.top.slice(0, 12)) console.log(`    ${row.percent.toFixed(1)}%  ${row.dso}  ${row.symbol.slice(0, 100)}`);
  }
}
