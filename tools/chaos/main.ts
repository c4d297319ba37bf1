/**
 * `npm run chaos`: the convergence harness of issue 4. Starts the app under
 * `wrangler dev`, drives many page-like clients through disconnects,
 * silences, a lossy proxy and hard server restarts while writers save, lets
 * everything settle, checks the invariants over what happened, prints a
 * summary and writes it to .results/chaos/ (or `--save DIR`; never a tracked
 * file unless asked). Exits 1 on any violation, 2 when the harness itself
 * could not do its job.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { createCast } from "./cast";
import { parseArgs, replayCommand } from "./config";
import { checkDurability } from "./durability";
import { writeEvidence } from "./evidence";
import { runFaultPhase } from "./faults";
import { History, watchStalls } from "./history";
import { checkInvariants } from "./invariants";
import { LatencyProbe } from "./latencyProbe";
import { FaultProxy } from "./proxy";
import { Prng } from "./random";
import { formatForTerminal, violationCount, writeReport } from "./report";
import { fetchFullList } from "./serverList";
import { settle } from "./settle";
import { copyApp } from "../harness/appCopy";
import { onCleanup, runTool } from "../harness/lifecycle";
import { resultsDir, shown } from "../harness/results";
import { createOwnedList } from "../harness/lists";
import { waitFor } from "../harness/wait";
import { WranglerDev } from "../harness/wranglerDev";
import { DEFAULT_LIST_ID, listPaths } from "../../src/protocol/lists";

const FIRST_LIVE_TIMEOUT_MS = 60_000;

function log(line: string): void {
  console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function run(): Promise<number> {
  const config = parseArgs(process.argv.slice(2));
  const prng = new Prng(config.seed);
  log(`seed ${config.seed} (replay with: ${replayCommand(config)})`);
  log(
    `${config.mode} run: ${config.clients} clients, ${config.saves} saves, ${config.edits} edits, ${config.ticks} ticks, ${config.removals} removals, ` +
      `${config.fieldChanges} field changes by ${config.fieldWriters} field writers, ${config.disconnects} disconnects, ` +
      `${config.restarts} restarts over ${config.faultPhaseMs / 1000} s`,
  );
  const startedAt = Date.now();
  const history = new History();
  onCleanup(watchStalls(history));

  // A copy of the app, so that edits to src/ during the run do not make wrangler reload it. The copy,
  // the storage and the server itself go when this process exits, however it exits (tools/harness).
  const app = copyApp("listroom-chaos-app-");
  // The default list's owner is whoever holds OWNER_KEY; a list created for the run comes with its own key.
  const defaultOwnerKey = randomBytes(24).toString("base64url");
  const logFile = join(app.dir, "wrangler.log");
  const server = await WranglerDev.create({
    label: "wrangler dev (chaos)",
    projectDir: app.dir,
    vars: {
      RESEND_INTERVAL_MS: config.timing.resendIntervalMs,
      MAX_SEND_ATTEMPTS: config.timing.maxSendAttempts,
      RESUME_WINDOW_MS: config.timing.resumeWindowMs,
      OWNER_KEY: defaultOwnerKey,
      ...(config.relays === null ? {} : { RELAY_AFTER: config.relays.after, RELAY_CAPACITY: config.relays.capacity }),
    },
    logFile,
  });
  log(`starting wrangler dev on ${server.baseUrl}`);
  await server.start();

  const list = config.list ? await createOwnedList(server.baseUrl, `chaos ${config.seed}`) : { id: DEFAULT_LIST_ID, ownerKey: defaultOwnerKey };
  const paths = listPaths(list.id);
  if (config.list) log(`running on the list at ${paths.page}`);
  const itemsUrl = `${server.baseUrl}${paths.items}`;
  const socketUrl = `${server.baseUrl.replace(/^http/, "ws")}${paths.socket}`;
  const probe = new LatencyProbe(socketUrl, history, config.timing.resendIntervalMs);
  probe.start();
  onCleanup(() => probe.stop());
  const proxy = await FaultProxy.start(server.baseUrl.replace(/^http/, "ws"), prng.fork("proxy"), {
    dropFirstSend: 0.02,
    dropAck: 0.02,
    duplicate: 0.03,
    delay: 0.05,
    maxDelayMs: 80,
    lossSpacingMs: 2 * config.timing.maxSendAttempts * config.timing.resendIntervalMs,
  });
  onCleanup(() => void proxy.close());
  const cast = createCast(
    config,
    { apiBase: server.baseUrl, itemsPath: paths.items, directSocketUrl: socketUrl, proxiedSocketUrl: proxy.socketUrl(paths.socket), ownerKey: list.ownerKey },
    history,
    prng,
  );
  onCleanup(() => cast.clients.forEach((client) => client.stop()));
  for (const client of cast.clients) client.start();
  await waitFor(() => cast.clients.every((client) => client.isLive), {
    what: "every client to go live after the start",
    timeoutMs: FIRST_LIVE_TIMEOUT_MS,
  });
  log(`all ${cast.clients.length} clients live; injecting faults for ${config.faultPhaseMs / 1000} s`);

  const counts = await runFaultPhase({ config, cast, proxy, server, itemsUrl, history, prng, log });
  history.faultsEndedAt = Date.now();
  log("faults stopped; settling");
  const settled = await settle(config, cast, proxy, history, itemsUrl);
  log(`settled in ${(settled.ms / 1000).toFixed(1)} s; checking`);

  await checkDurability(history, itemsUrl, "at the end", Date.now());
  const finalList = await fetchFullList(itemsUrl);
  const finalClientLists = new Map(
    cast.clients.filter((client) => !client.isStopped).map((client) => [client.index, [...client.list.items()]] as const),
  );
  for (const client of cast.clients) client.stop();
  probe.stop();
  const { tallies, notes } = checkInvariants({
    history,
    finalList,
    timing: config.timing,
    proxyLog: (tag) => proxy.logFor(tag),
    finalClientLists,
  });
  const summary = {
    config,
    fields: cast.fields.counts,
    startedAt,
    endedAt: Date.now(),
    counts,
    proxy: proxy.stats,
    settle: settled,
    history,
    finalListSize: finalList.length,
    tallies,
    notes,
  };
  console.log(formatForTerminal(summary));
  const outDir = resultsDir("chaos", config.save ?? undefined);
  const reportFile = writeReport(outDir, summary);
  log(`report written to ${shown(reportFile)}`);
  const findings = [...tallies.flatMap((tally) => tally.violations), ...notes];
  if (findings.length > 0) {
    const stem = reportFile.replace(/\.md$/, "");
    const named = writeEvidence(`${stem}-evidence.json`, findings, history, (tag) => proxy.logFor(tag), startedAt);
    copyFileSync(logFile, `${stem}-wrangler.log`);
    log(`the ${named} connections named in violations and notes are recorded in ${shown(stem)}-evidence.json, wrangler's output in ${shown(stem)}-wrangler.log`);
  }
  return violationCount(summary) === 0 ? 0 : 1;
}

runTool("chaos", run);
