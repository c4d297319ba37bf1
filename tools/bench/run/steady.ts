/**
 * `npm run bench -- steady`: holds many concurrent page clients under `wrangler dev`
 * while saves flow, and shows that every client received every item of its
 * list, once and in order. With `lists` > 1 the clients and the saves are
 * spread over that many lists created for the run (each its own ListRoom),
 * to compare N lists of M clients with one list of N·M.
 */
import { delay, waitFor } from "../../harness/wait";
import { DEFAULT_LIST_ID, listPaths } from "../../../src/protocol/lists";
import { type ScenarioOutcome, createLists, loadAverage, mib, openPageClient, percentile, runtimeMemory, sampleMemory, saveItem, startScenarioServer, type PageClient } from "./pageClients";

export interface SteadyOptions {
  clients: number;
  saves: number;
  rate: number;
  /** 1: the default list. More: that many lists created for the run, clients and saves dealt round-robin. */
  lists: number;
  /** RELAY_AFTER and RELAY_CAPACITY for the run (null: the defaults); the list object's work per save is then reported. */
  relays: { after: number; capacity: number } | null;
}

interface ListWork {
  framesOut: number;
  relayCalls: number;
  relays: Array<{ relay: number; connections: number; framesOut: number }>;
}

async function listWork(baseUrl: string): Promise<ListWork> {
  const answer = (await (await fetch(`${baseUrl}/api/usage`)).json()) as { usage: { framesOut: number }; relayCalls: number; relays: ListWork["relays"] };
  return { framesOut: answer.usage.framesOut, relayCalls: answer.relayCalls, relays: answer.relays };
}

const CONNECT_PER_SECOND = 500;
const SETTLE_TIMEOUT_MS = 120_000;

export async function runSteady(options: SteadyOptions): Promise<ScenarioOutcome> {
  const started = Date.now();
  // Resends at the production interval: this run measures delivery, not recovery.
  const relayVars: Record<string, number | string> = options.relays === null ? {} : { RELAY_AFTER: options.relays.after, RELAY_CAPACITY: options.relays.capacity, EXPOSE_USAGE: "true" };
  const { server, dispose } = await startScenarioServer({ RESEND_INTERVAL_MS: 30_000, MAX_SEND_ATTEMPTS: 5, RESUME_WINDOW_MS: 60_000, ...relayVars });
  const memory = sampleMemory(server, 500);
  const clients: PageClient[] = [];
  try {
    const lists = options.lists === 1 ? [listPaths(DEFAULT_LIST_ID)] : await createLists(server.baseUrl, options.lists);
    const wsOrigin = server.baseUrl.replace(/^http/, "ws");
    for (let n = 0; n < options.clients; n++) {
      clients.push(openPageClient(`${wsOrigin}${lists[n % lists.length]!.socket}`));
      if (n % CONNECT_PER_SECOND === CONNECT_PER_SECOND - 1) await delay(1000);
    }
    await waitFor(() => clients.every((client) => client.connection.currentStatus.state === "live"), {
      what: `${options.clients} clients to be live`,
      timeoutMs: SETTLE_TIMEOUT_MS,
    });
    const idle = runtimeMemory(server);
    console.log(`${options.clients} clients live; runtime workerd RSS ${mib(idle.rss)}`);

    /** Each list's saves, in save order. */
    const savedIds: string[][] = lists.map(() => []);
    const sentAt = new Map<string, number>();
    const workBefore = options.relays === null ? null : await listWork(server.baseUrl);
    for (let n = 0; n < options.saves; n++) {
      const intended = Date.now();
      const list = n % lists.length;
      const id = await saveItem(server.baseUrl, `steady-${n}`, `steady ${n}`, "load", lists[list]!.items);
      savedIds[list]!.push(id);
      sentAt.set(id, intended);
      await delay(intended + 1000 / options.rate - Date.now());
    }
    const owed = (n: number) => savedIds[n % lists.length]!;
    await waitFor(() => clients.every((client, n) => client.applied.length >= owed(n).length), {
      what: "every client to receive every item of its list",
      timeoutMs: SETTLE_TIMEOUT_MS,
    });

    const inOrder = clients.filter((client, n) => client.applied.join() === owed(n).join()).length;
    const duplicates = clients.reduce((sum, client) => sum + client.duplicates, 0);
    const latencies = clients
      .flatMap((client, n) => owed(n).map((id) => (client.arrivedAt.get(id) ?? Number.NaN) - sentAt.get(id)!))
      .sort((a, b) => a - b);
    const owedInAll = clients.reduce((sum, _client, n) => sum + owed(n).length, 0);
    const finalMemory = runtimeMemory(server);
    const workAfter = workBefore === null ? null : await listWork(server.baseUrl);
    const summary = [
      `| lists | ${lists.length} (${lists.length === 1 ? "the default list" : `created for the run, ${Math.round(options.clients / lists.length)} clients each`}) |`,
      `| connections held | ${options.clients} |`,
      `| saves | ${options.saves} at ${options.rate}/s |`,
      `| items delivered | ${clients.reduce((sum, client) => sum + client.applied.length, 0)} of ${owedInAll} |`,
      `| clients with every item, in save order | ${inOrder} of ${options.clients} |`,
      `| duplicates applied | ${duplicates} |`,
      `| delivery latency p50 / p99 / max | ${percentile(latencies, 50)} / ${percentile(latencies, 99)} / ${latencies.at(-1)} ms |`,
      `| runtime workerd RSS with ${options.clients} idle sockets | ${mib(idle.rss)} |`,
      `| runtime workerd peak RSS (sampled every 0.5 s; kernel high-water mark) | ${mib(memory.peak())}; ${mib(finalMemory.peakRss)} |`,
      ...(workBefore === null || workAfter === null
        ? []
        : [
            `| relays (RELAY_AFTER ${options.relays!.after}, RELAY_CAPACITY ${options.relays!.capacity}) | ${workAfter.relays.map((relay) => `${relay.relay}: ${relay.connections} sockets`).join(", ")} |`,
            `| the list object's work per save: frames on its sockets + relay calls | ${((workAfter.framesOut - workBefore.framesOut) / options.saves).toFixed(1)} + ${((workAfter.relayCalls - workBefore.relayCalls) / options.saves).toFixed(1)} |`,
          ]),
      `| load average (1 / 5 / 15 min) at the end | ${loadAverage()} |`,
      `| wall time | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
    ];
    const table = ["| steady | figure |", "| --- | --- |", ...summary].join("\n");
    console.log(table);
    return { complete: inOrder === options.clients && duplicates === 0, table };
  } finally {
    memory.stop();
    for (const client of clients) client.connection.stop();
    await dispose();
  }
}
