/**
 * `npm run bench -- slow-readers` (issue 8): some clients stop reading their socket (the TCP
 * receive side stalls, as on a phone in a tunnel: `ws.pause()` stops reading
 * the underlying TCP socket) while large items are saved at a steady rate.
 * The send window bounds what the server holds for each of them; the other
 * clients (the page's own LiveConnection) must still get every item, once,
 * in save order. Reports the runtime's RSS growth and the others' delivery
 * latency.
 */
import WebSocket from "ws";
import { DEFAULT_LIST_ID, listPaths } from "../../../src/protocol/lists";
import { fetchFullList } from "../../chaos/serverList";
import { delay, holdsWithin, waitFor } from "../../harness/wait";
import { type ScenarioOutcome, loadAverage, mib, openPageClient, percentile, runtimeMemory, sampleMemory, saveItem, startScenarioServer, type PageClient } from "./pageClients";

export interface SlowReaderOptions {
  /** Clients that read their snapshot, acknowledge it, then stop reading. */
  paused: number;
  /** Clients that keep reading. */
  readers: number;
  saves: number;
  rate: number;
  /** Characters in each saved body (ASCII, so bytes too). */
  bodyChars: number;
}

const CONNECT_TIMEOUT_MS = 120_000;
const DELIVERY_TIMEOUT_MS = 120_000;
const CONNECT_PER_SECOND = 100;

interface PausedReader {
  ws: WebSocket;
  /** Item frames it has read (all of them arrive once it reads again). */
  itemFrames: number;
}

/** A raw client: takes its welcome and snapshot, acknowledges the snapshot, then its socket stops being read. */
async function openPausedReader(wsUrl: string): Promise<PausedReader> {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
  const reader: PausedReader = { ws, itemFrames: 0 };
  ws.on("error", () => undefined);
  await new Promise<void>((done, fail) => {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; seq?: number };
      if (frame.type === "item") reader.itemFrames++;
      if (frame.type !== "snapshot") return;
      ws.send(JSON.stringify({ type: "ack", seq: frame.seq }));
      ws.pause();
      done();
    });
    ws.once("close", (code) => fail(new Error(`a paused reader closed with ${code} before its snapshot`)));
  });
  return reader;
}

export async function runSlowReaders(options: SlowReaderOptions): Promise<ScenarioOutcome> {
  const started = Date.now();
  const { server, dispose } = await startScenarioServer({ RESEND_INTERVAL_MS: 30_000, MAX_SEND_ATTEMPTS: 5, RESUME_WINDOW_MS: 120_000 });
  const readers: PageClient[] = [];
  const paused: PausedReader[] = [];
  let memory: ReturnType<typeof sampleMemory> | null = null;
  try {
    for (let n = 0; n < options.readers; n++) {
      readers.push(openPageClient(server.wsUrl));
      if (n % CONNECT_PER_SECOND === CONNECT_PER_SECOND - 1) await delay(1000);
    }
    await waitFor(() => readers.every((client) => client.connection.currentStatus.state === "live"), {
      what: `${options.readers} readers to be live`,
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
    for (let n = 0; n < options.paused; n += 10) {
      paused.push(...(await Promise.all(Array.from({ length: Math.min(10, options.paused - n) }, () => openPausedReader(server.wsUrl)))));
    }
    const baseline = runtimeMemory(server).rss;
    const loadBefore = loadAverage();
    console.log(`${options.readers} readers live, ${options.paused} readers paused; runtime RSS ${mib(baseline)}; load ${loadBefore}`);
    memory = sampleMemory(server);

    // Open loop: each save goes out at its time, whether or not the previous one was answered.
    const body = "x".repeat(options.bodyChars);
    const sentAt = new Map<string, number>();
    const savesStart = Date.now();
    const saves: Promise<void>[] = [];
    for (let n = 0; n < options.saves; n++) {
      await delay(savesStart + (n * 1000) / options.rate - Date.now());
      const at = Date.now();
      saves.push(saveItem(server.baseUrl, `slow-${n}`, `slow ${n}`, body).then((id) => void sentAt.set(id, at)));
    }
    await Promise.all(saves);
    const delivered = await holdsWithin(() => readers.every((client) => client.applied.length >= options.saves), {
      what: "every reader to receive every item",
      timeoutMs: DELIVERY_TIMEOUT_MS,
    });
    const peak = memory.peak();
    const loadAfter = loadAverage();
    const order = (await fetchFullList(`${server.baseUrl}${listPaths(DEFAULT_LIST_ID).items}`)).map((item) => item.id).reverse();
    const inOrder = readers.filter((client) => client.applied.join() === order.join()).length;
    const duplicates = readers.reduce((sum, client) => sum + client.duplicates, 0);
    const latencies = readers
      .flatMap((client) => order.map((id) => (client.arrivedAt.get(id) ?? Number.NaN) - sentAt.get(id)!))
      .sort((a, b) => a - b);
    const pausedOpen = paused.filter((reader) => reader.ws.readyState === WebSocket.OPEN).length;
    // Let them read what reached them: never more than a window each, however much was saved.
    for (const reader of paused) reader.ws.resume();
    const letOut = () => paused.reduce((sum, reader) => sum + reader.itemFrames, 0);
    let previous = -1;
    await holdsWithin(
      () => {
        const settled = letOut() === previous;
        previous = letOut();
        return settled;
      },
      { what: "the paused readers to read what reached them", timeoutMs: 10_000, pollMs: 1_000 },
    );
    const mostLetOut = Math.max(0, ...paused.map((reader) => reader.itemFrames));
    const rows = [
      `| mode | slow readers: ${options.paused} paused, ${options.readers} reading; ${options.saves} saves of ${options.bodyChars} bytes at ${options.rate}/s |`,
      `| load average (1 / 5 / 15 min) before / after | ${loadBefore}; ${loadAfter} |`,
      `| unread by the paused readers, had the server sent it all | ${mib(options.paused * options.saves * options.bodyChars)} |`,
      `| runtime RSS before / peak (sampled every 0.25 s) / growth | ${mib(baseline)} / ${mib(peak)} / ${mib(peak - baseline)} |`,
      `| readers with every item, in save order | ${inOrder} of ${options.readers}${delivered ? "" : " (timed out waiting)"} |`,
      `| duplicates applied | ${duplicates} |`,
      `| readers' delivery latency p50 / p99 / max | ${percentile(latencies, 50)} / ${percentile(latencies, 99)} / ${latencies.at(-1)} ms |`,
      `| paused readers still connected at the end | ${pausedOpen} of ${options.paused} |`,
      `| item frames the server let out to a paused reader (read once it read again) | at most ${mostLetOut}, ${letOut()} in all |`,
      `| wall time | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
    ];
    const table = ["| slow readers | figure |", "| --- | --- |", ...rows].join("\n");
    console.log(table);
    return { complete: delivered && inOrder === options.readers && duplicates === 0, table };
  } finally {
    memory?.stop();
    for (const reader of paused) reader.ws.terminate();
    for (const client of readers) client.connection.stop();
    await dispose();
  }
}
