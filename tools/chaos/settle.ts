/**
 * After the faults: let everything come to rest, each step waiting on a
 * condition with a bound. Saves, edits and removals still queued are flushed
 * until every one has its answer; a few probe saves make sure every silent client has a frame it
 * fails to acknowledge (so it is dropped, as it must be); then every client
 * still running must go live and show the server's whole list, every item
 * at its latest version. The time
 * from the end of the faults to that moment is invariant 6.
 */
import type { Item } from "../../src/protocol/item";
import type { Cast } from "./cast";
import type { RunConfig } from "./config";
import type { History } from "./history";
import type { FaultProxy } from "./proxy";
import { fetchFullList } from "./serverList";
import type { SimClient } from "./simClient";
import { holdsWithin } from "../harness/wait";

const SAVES_DRAIN_MS = 120_000;
const PROBE_SAVES = 2;
const CONVERGE_MS = 90_000;
const FLUSH_EVERY_MS = 3_000;

export interface SettleResult {
  savesDrained: boolean;
  silencesResolved: boolean;
  converged: boolean;
  probeSaves: number;
  ms: number;
}

function allConfirmed(history: History): boolean {
  for (const save of history.saves.values()) if (save.confirmedIds.length === 0 && save.rejection === null) return false;
  for (const change of history.changes.values()) if (change.outcome === null) return false;
  for (const change of history.fieldChanges) if (change.outcome === null) return false;
  return true;
}

/** A list as the convergence compares it: ids in order, each at its version. */
function signature(items: readonly Item[]): string {
  return items.map((item) => `${item.id}@${item.version}`).join(",");
}

async function drainSaves(cast: Cast, history: History, timeoutMs: number): Promise<boolean> {
  let lastFlush = 0;
  return holdsWithin(
    () => {
      // What the page does when the network comes back: send what is queued now, not at the next retry.
      if (Date.now() - lastFlush >= FLUSH_EVERY_MS) {
        lastFlush = Date.now();
        for (const writer of cast.writers) void writer.flush();
        for (const writer of cast.fields.writers) writer.comeOnline();
      }
      return allConfirmed(history) && [...cast.writers, ...cast.fields.writers].every((writer) => writer.pendingCount === 0);
    },
    { what: "every save, edit and removal to be answered", timeoutMs, pollMs: 100 },
  );
}

function runningClients(cast: Cast): SimClient[] {
  return cast.clients.filter((client) => !client.isStopped);
}

async function converge(cast: Cast, history: History, itemsUrl: string): Promise<boolean> {
  let server = "";
  let serverSize = 0;
  let lastRead = 0;
  return holdsWithin(
    async () => {
      const clients = runningClients(cast);
      // A person scrolled to the bottom presses "Show older" while it is there.
      for (const client of clients) if (client.list.showOlderVisible) void client.loadOlder();
      if (!clients.every((client) => client.isLive)) return false;
      if (Date.now() - lastRead >= 1_000 || clients.some((client) => client.list.size !== serverSize)) {
        lastRead = Date.now();
        try {
          const list = await fetchFullList(itemsUrl);
          server = signature(list);
          serverSize = list.length;
        } catch {
          return false;
        }
      }
      const converged = clients.every((client) => signature(client.list.items()) === server);
      if (converged) history.convergedAt = Date.now();
      return converged;
    },
    { what: "every running client to show the server's list", timeoutMs: CONVERGE_MS, pollMs: 250 },
  );
}

export async function settle(config: RunConfig, cast: Cast, proxy: FaultProxy, history: History, itemsUrl: string): Promise<SettleResult> {
  const start = Date.now();
  proxy.calm();
  for (const client of runningClients(cast)) client.connection.checkNow();
  const drainedBeforeProbes = await drainSaves(cast, history, SAVES_DRAIN_MS);

  const probeWriter = cast.writers[0]!;
  for (let i = 0; i < PROBE_SAVES; i++) {
    probeWriter.add({ number: config.saves + i, faults: { loseFirstAnswer: false, repeatAfterSave: false, raceDuplicate: false } });
  }
  // Saves that would not drain before will not now; the probes only get a short while then.
  const savesDrained = (await drainSaves(cast, history, drainedBeforeProbes ? SAVES_DRAIN_MS : 10_000)) && drainedBeforeProbes;
  const { resendIntervalMs, maxSendAttempts } = config.timing;
  const silencesResolved = await holdsWithin(() => cast.clients.every((client) => !client.isSilent), {
    what: "every silent client to be dropped",
    timeoutMs: resendIntervalMs * maxSendAttempts + 10_000,
    pollMs: 50,
  });
  for (const client of cast.clients) {
    if (!client.isSilent) continue;
    const vanishing = client.silenceKind === "forever";
    client.endSilence("run-end");
    if (vanishing) {
      client.record.stoppedForGood = true;
      client.stop();
    }
  }

  for (const client of runningClients(cast)) client.connection.checkNow();
  const converged = await converge(cast, history, itemsUrl);
  return { savesDrained, silencesResolved, converged, probeSaves: PROBE_SAVES, ms: Date.now() - start };
}
