/** What the runner needs from each system under test, however it is started. */
import type { RoomUsage } from "../../../src/delivery/platform/usage";
import type { ProtocolName } from "../load/protocols";

/**
 * Listroom and the bare Durable Object each run twice: under `wrangler dev`
 * (the dev tooling around the runtime) and on workerd alone through
 * Miniflare's API (`-workerd`), the column closer to production. On workerd
 * the bare room also runs with clients that acknowledge as pages do
 * (`bare-acking-workerd`): the fair floor for delivery.
 */
export type SystemName = "listroom" | "bare" | "listroom-workerd" | "bare-workerd" | "bare-acking-workerd" | "socketio" | "ws";

/** Where a system runs; ratios compare Listroom with peers that share its runtime (and with the Node peers). */
export type Runtime = "wrangler dev" | "workerd" | "node";

/** Which server code a system runs, whatever the runtime. */
export type App = "listroom" | "bare" | "socketio" | "ws";

export interface SystemInfo {
  label: string;
  short: string;
  app: App;
  /** How its clients speak to it. */
  protocol: ProtocolName;
  runtime: Runtime;
}

export const SYSTEMS: Record<SystemName, SystemInfo> = {
  listroom: { label: "Listroom (wrangler dev)", short: "Listroom (dev)", app: "listroom", protocol: "listroom", runtime: "wrangler dev" },
  bare: { label: "bare DO broadcast (wrangler dev)", short: "bare DO (dev)", app: "bare", protocol: "bare", runtime: "wrangler dev" },
  "listroom-workerd": { label: "Listroom (workerd via Miniflare)", short: "Listroom (workerd)", app: "listroom", protocol: "listroom", runtime: "workerd" },
  "bare-workerd": { label: "bare DO broadcast (workerd via Miniflare)", short: "bare DO (workerd)", app: "bare", protocol: "bare", runtime: "workerd" },
  "bare-acking-workerd": {
    label: "bare DO broadcast, clients acking as pages do (workerd via Miniflare)",
    short: "bare acking (workerd)",
    app: "bare",
    protocol: "bare-acking",
    runtime: "workerd",
  },
  socketio: { label: "Socket.IO 4 + SQLite (Node 22)", short: "Socket.IO", app: "socketio", protocol: "socketio", runtime: "node" },
  ws: { label: "plain ws (Node 22)", short: "ws", app: "ws", protocol: "ws", runtime: "node" },
};

export const SYSTEM_LABELS: Record<SystemName, string> = Object.fromEntries(
  Object.entries(SYSTEMS).map(([name, info]) => [name, info.label]),
) as Record<SystemName, string>;

export function isListroom(name: SystemName): boolean {
  return SYSTEMS[name].app === "listroom";
}

export function isDurableObject(name: SystemName): boolean {
  return SYSTEMS[name].runtime !== "node";
}

/**
 * The bare rooms Listroom is compared with in the same runtime: the plain
 * broadcast first (its twin), then the fair floor whose clients acknowledge.
 */
export function bareFloorsOf(name: SystemName): SystemName[] {
  if (name === "listroom") return ["bare"];
  if (name === "listroom-workerd") return ["bare-workerd", "bare-acking-workerd"];
  return [];
}

export interface ServerProcesses {
  /** The processes doing the work: the runtime workerd, or the Node server. */
  server: number[];
  /** Processes around it, charged separately: wrangler's node, the dev proxy's workerd, esbuild, Miniflare's node. */
  tooling: number[];
}

/** Listroom's billable-work counters, as `GET /api/usage` serves them. */
export type UsageCounters = RoomUsage;

export interface RunningSystem {
  name: SystemName;
  protocol: ProtocolName;
  /** Where the load goes, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** wrangler dev's own port (through its dev proxy), when there is one. */
  proxyOrigin: string | null;
  /**
   * Headers every client request carries. On workerd alone nothing stands in
   * for Cloudflare's edge, so the load sets the client address header the
   * edge (and wrangler dev's entry) would set.
   */
  requestHeaders: Record<string, string>;
  processes(): ServerProcesses;
  /** The runtime's inspector (wrangler dev's, or workerd's when opened), for heap figures. */
  inspectorOrigin?: string;
  /** Why the server stopped, if it did. */
  exited(): string | null;
  logs(): string;
  notes: string[];
  /** The room's counters since its instance started, where the system can tell them. */
  usage: (() => Promise<UsageCounters | null>) | null;
  /** From spawning the runtime to the first 200 on the health path, and that first successful request alone. */
  coldStart: ColdStart | null;
  stop(): Promise<void>;
}

export interface ColdStart {
  /** ms from spawning the runtime's process to the first 200. */
  spawnToFirstOkMs: number;
  /** ms the first successful request itself took. */
  firstOkRequestMs: number;
  /** What was spawned and asked, for the report. */
  what: string;
}
