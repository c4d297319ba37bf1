/**
 * The simulated people: `clients` page-like clients, the first `writers` of
 * them also saving, editing and removing, every fourth one behind the fault proxy; and the field
 * writers (fieldPlan.ts), browsers that change their own items field by field. Each gets its
 * own random stream, so its backoff jitter does not depend on the others.
 */
import type { Scheduler } from "../../src/client/core/liveConnection";
import type { RunConfig } from "./config";
import { planFieldRun, type FieldRun } from "./fieldPlan";
import type { History } from "./history";
import type { Prng } from "./random";
import { SimClient } from "./simClient";
import { Writer } from "./writer";

export interface Cast {
  clients: SimClient[];
  writers: Writer[];
  /** The field writers and their part of the fault phase. */
  fields: FieldRun;
  /** A fresh page opened in the middle of the run (a crowd arriving): direct, not a writer. Started at once. */
  arrive(): SimClient;
}

export interface Endpoints {
  apiBase: string;
  /** The run's list's items path (`/api/items`, or `/api/lists/{id}/items`). */
  itemsPath: string;
  directSocketUrl: string;
  proxiedSocketUrl: string;
  /** The list's owner key, with which writers change items they did not save. */
  ownerKey: string;
}

function seededScheduler(prng: Prng): Scheduler {
  return {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: () => Date.now(),
    random: () => prng.next(),
  };
}

export function isProxiedIndex(index: number): boolean {
  return index % 4 === 3;
}

export function createCast(config: RunConfig, endpoints: Endpoints, history: History, prng: Prng): Cast {
  const writers: Writer[] = [];
  const clients: SimClient[] = [];
  for (let index = 0; index < config.clients; index++) {
    const proxied = isProxiedIndex(index);
    // A writer sends If-Match with the version its own page shows, as a person editing what they see.
    const access = { ownerKey: endpoints.ownerKey, shownVersion: (itemId: string) => clients[index]?.list.model.find(itemId)?.version ?? null };
    const writer =
      index < config.writers
        ? new Writer(index, endpoints.apiBase + endpoints.itemsPath, seededScheduler(prng.fork(`outbox ${index}`)), history, access)
        : null;
    if (writer) writers.push(writer);
    clients.push(
      new SimClient({
        index,
        role: { writer: writer !== null, proxied, crowd: false },
        socketUrl: proxied ? endpoints.proxiedSocketUrl : endpoints.directSocketUrl,
        apiBase: endpoints.apiBase,
        itemsPath: endpoints.itemsPath,
        prng: prng.fork(`client ${index}`),
        history,
        // The page flushes its outbox whenever its connection goes live.
        onLive: () => void writer?.flush(),
      }),
    );
  }
  const arrive = () => {
    const index = clients.length;
    const client = new SimClient({
      index,
      role: { writer: false, proxied: false, crowd: true },
      socketUrl: endpoints.directSocketUrl,
      apiBase: endpoints.apiBase,
      itemsPath: endpoints.itemsPath,
      prng: prng.fork(`client ${index}`),
      history,
      onLive: () => undefined,
    });
    clients.push(client);
    client.start();
    return client;
  };
  const fields = planFieldRun(config, endpoints.apiBase + endpoints.itemsPath, endpoints.ownerKey, history, prng.fork("fields"));
  return { clients, writers, fields, arrive };
}
