/**
 * Steady mode: holds many concurrent page clients on one list under
 * `wrangler dev` while saves flow, and shows that every client received every
 * item, once and in order.
 */
import { delay, waitFor } from "../harness/wait";
import { loadAverage, mib, openPageClient, percentile, runtimeMemory, sampleMemory, saveItem, startSoakServer, type PageClient } from "./common";

export interface SteadyOptions {
  clients: number;
  saves: number;
  rate: number;
}

const CONNECT_PER_SECOND = 500;
const SETTLE_TIMEOUT_MS = 120_000;

export async function runSteady(options: SteadyOptions): Promise<boolean> {
  const started = Date.now();
  // Resends at the production interval: this run measures delivery, not recovery.
  const { server, dispose } = await startSoakServer({ RESEND_INTERVAL_MS: 30_000, MAX_SEND_ATTEMPTS: 5, RESUME_WINDOW_MS: 60_000 });
  const memory = sampleMemory(server, 500);
  const clients: PageClient[] = [];
  try {
    for (let n = 0; n < options.clients; n++) {
      clients.push(openPageClient(server.wsUrl));
      if (n % CONNECT_PER_SECOND === CONNECT_PER_SECOND - 1) await delay(1000);
    }
    await waitFor(() => clients.every((client) => client.connection.currentStatus.state === "live"), {
      what: `${options.clients} clients to be live`,
      timeoutMs: SETTLE_TIMEOUT_MS,
    });
    const idle = runtimeMemory(server);
    console.log(`${options.clients} clients live; runtime workerd RSS ${mib(idle.rss)}`);

    const savedIds: string[] = [];
    const sentAt = new Map<string, number>();
    for (let n = 0; n < options.saves; n++) {
      const intended = Date.now();
      const id = await saveItem(server.baseUrl, `soak-${n}`, `soak ${n}`, "load");
      savedIds.push(id);
      sentAt.set(id, intended);
      await delay(intended + 1000 / options.rate - Date.now());
    }
    await waitFor(() => clients.every((client) => client.applied.length >= options.saves), {
      what: "every client to receive every item",
      timeoutMs: SETTLE_TIMEOUT_MS,
    });

    const inOrder = clients.filter((client) => client.applied.join() === savedIds.join()).length;
    const duplicates = clients.reduce((sum, client) => sum + client.duplicates, 0);
    const latencies = clients
      .flatMap((client) => savedIds.map((id) => (client.arrivedAt.get(id) ?? Number.NaN) - sentAt.get(id)!))
      .sort((a, b) => a - b);
    const finalMemory = runtimeMemory(server);
    const summary = [
      `| connections held | ${options.clients} |`,
      `| saves | ${options.saves} at ${options.rate}/s |`,
      `| items delivered | ${clients.reduce((sum, client) => sum + client.applied.length, 0)} of ${options.clients * options.saves} |`,
      `| clients with every item, in save order | ${inOrder} of ${options.clients} |`,
      `| duplicates applied | ${duplicates} |`,
      `| delivery latency p50 / p99 / max | ${percentile(latencies, 50)} / ${percentile(latencies, 99)} / ${latencies.at(-1)} ms |`,
      `| runtime workerd RSS with ${options.clients} idle sockets | ${mib(idle.rss)} |`,
      `| runtime workerd peak RSS (sampled every 0.5 s; kernel high-water mark) | ${mib(memory.peak())}; ${mib(finalMemory.peakRss)} |`,
      `| load average (1 / 5 / 15 min) at the end | ${loadAverage()} |`,
      `| wall time | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
    ];
    console.log(["| soak | figure |", "| --- | --- |", ...summary].join("\n"));
    return inOrder === options.clients && duplicates === 0;
  } finally {
    memory.stop();
    for (const client of clients) client.connection.stop();
    await dispose();
  }
}
