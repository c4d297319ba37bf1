/**
 * Load soak: holds many concurrent WebSockets on one list under `wrangler dev`
 * while saves flow, and shows that every client received every item, once and
 * in order. Clients are the page's own delivery code (LiveConnection), so the
 * acks, pings and reconnects are the real ones. Everything targets 127.0.0.1;
 * every wait is bounded and the program stops by itself.
 *
 *   npm run soak -- [--clients 2000] [--saves 100] [--rate 10]
 */
import { parseArgs } from "node:util";
import type { Applied } from "../../src/client/inbox";
import { LiveConnection, browserScheduler } from "../../src/client/liveConnection";
import { peakRssOf, rssOf } from "../harness/proc";
import { delay, waitFor } from "../harness/wait";
import { startWranglerDev, type WranglerDev } from "../harness/wranglerDev";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "2000" },
    saves: { type: "string", default: "100" },
    rate: { type: "string", default: "10" },
  },
});
const CLIENTS = Number(values.clients);
const SAVES = Number(values.saves);
const SAVES_PER_SECOND = Number(values.rate);
const CONNECT_PER_SECOND = 500;
const SETTLE_TIMEOUT_MS = 120_000;

interface SoakClient {
  connection: LiveConnection;
  /** Item ids in the order applied, and when each arrived. */
  applied: string[];
  arrivedAt: Map<string, number>;
  duplicates: number;
}

/** Resident memory of the runtime workerd (the process serving the Worker, not the dev proxy or wrangler's Node), in bytes. */
function runtimeMemory(server: WranglerDev): { rss: number; peakRss: number } {
  const pids = server.processes().server;
  return { rss: rssOf(pids), peakRss: pids.reduce((sum, pid) => sum + peakRssOf(pid), 0) };
}

function openClient(server: WranglerDev): SoakClient {
  const applied: string[] = [];
  const arrivedAt = new Map<string, number>();
  let duplicates = 0;
  const onApplied = (changes: Applied[]) => {
    const now = Date.now();
    for (const change of changes) {
      const items = change.kind === "snapshot" ? change.items : [change.item];
      for (const item of items) {
        if (arrivedAt.has(item.id)) duplicates++;
        arrivedAt.set(item.id, now);
        if (change.kind === "item") applied.push(item.id);
      }
    }
  };
  const connection = new LiveConnection({
    socketUrl: server.wsUrl,
    createSocket: (url) => new WebSocket(url),
    scheduler: browserScheduler,
    onApplied,
    onStatus: () => undefined,
  });
  connection.start();
  return {
    connection,
    applied,
    arrivedAt,
    get duplicates() {
      return duplicates;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startWranglerDev({
    label: "wrangler dev (soak)",
    // Resends at the production interval: this run measures delivery, not recovery.
    vars: { RESEND_INTERVAL_MS: 30_000, MAX_SEND_ATTEMPTS: 5, RESUME_WINDOW_MS: 60_000 },
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, runtimeMemory(server).rss)), 500);
  const clients: SoakClient[] = [];
  try {
    for (let n = 0; n < CLIENTS; n++) {
      clients.push(openClient(server));
      if (n % CONNECT_PER_SECOND === CONNECT_PER_SECOND - 1) await delay(1000);
    }
    await waitFor(() => clients.every((client) => client.connection.currentStatus.state === "live"), {
      what: `${CLIENTS} clients to be live`,
      timeoutMs: SETTLE_TIMEOUT_MS,
    });
    const idle = runtimeMemory(server);
    console.log(`${CLIENTS} clients live; runtime workerd RSS ${(idle.rss / 2 ** 20).toFixed(0)} MiB`);

    const savedIds: string[] = [];
    const sentAt = new Map<string, number>();
    for (let n = 0; n < SAVES; n++) {
      const intended = Date.now();
      const response = await fetch(`${server.baseUrl}/api/items`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `soak-${n}` },
        body: JSON.stringify({ title: `soak ${n}`, body: "load" }),
      });
      if (response.status !== 201) throw new Error(`save ${n} answered ${response.status}`);
      const { item } = (await response.json()) as { item: { id: string } };
      savedIds.push(item.id);
      sentAt.set(item.id, intended);
      await delay(Math.max(0, intended + 1000 / SAVES_PER_SECOND - Date.now()));
    }
    await waitFor(() => clients.every((client) => client.applied.length >= SAVES), {
      what: "every client to receive every item",
      timeoutMs: SETTLE_TIMEOUT_MS,
    });

    const inOrder = clients.filter((client) => client.applied.join() === savedIds.join()).length;
    const duplicates = clients.reduce((sum, client) => sum + client.duplicates, 0);
    const latencies = clients
      .flatMap((client) => savedIds.map((id) => (client.arrivedAt.get(id) ?? Number.NaN) - sentAt.get(id)!))
      .sort((a, b) => a - b);
    const finalMemory = runtimeMemory(server);
    peakRss = Math.max(peakRss, finalMemory.rss);
    const summary = [
      `| connections held | ${CLIENTS} |`,
      `| saves | ${SAVES} at ${SAVES_PER_SECOND}/s |`,
      `| items delivered | ${clients.reduce((sum, client) => sum + client.applied.length, 0)} of ${CLIENTS * SAVES} |`,
      `| clients with every item, in save order | ${inOrder} of ${CLIENTS} |`,
      `| duplicates applied | ${duplicates} |`,
      `| delivery latency p50 / p99 / max | ${percentile(latencies, 50)} / ${percentile(latencies, 99)} / ${latencies.at(-1)} ms |`,
      `| runtime workerd RSS with ${CLIENTS} idle sockets | ${(idle.rss / 2 ** 20).toFixed(0)} MiB |`,
      `| runtime workerd peak RSS (sampled every 0.5 s; kernel high-water mark) | ${(peakRss / 2 ** 20).toFixed(0)} MiB; ${(finalMemory.peakRss / 2 ** 20).toFixed(0)} MiB |`,
      `| wall time | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
    ];
    console.log(["| soak | figure |", "| --- | --- |", ...summary].join("\n"));
    if (inOrder !== CLIENTS || duplicates !== 0) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    for (const client of clients) client.connection.stop();
    await server.dispose();
  }
}

await main();
