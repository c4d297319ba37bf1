/** What the runner needs from each system under test, however it is started. */
import type { RoomUsage } from "../../../src/room/usage";
import type { ProtocolName } from "../load/protocols";

export type SystemName = "listroom" | "bare" | "socketio" | "ws";

export const SYSTEM_LABELS: Record<SystemName, string> = {
  listroom: "Listroom (wrangler dev)",
  bare: "bare DO broadcast (wrangler dev)",
  socketio: "Socket.IO 4 + SQLite (Node 22)",
  ws: "plain ws (Node 22)",
};

export interface ServerProcesses {
  /** The processes doing the work: the runtime workerd, or the Node server. */
  server: number[];
  /** Processes around it, charged separately: wrangler's node, the dev proxy's workerd, esbuild. */
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
  processes(): ServerProcesses;
  /** Why the server stopped, if it did. */
  exited(): string | null;
  logs(): string;
  notes: string[];
  /** The room's counters since its instance started, where the system can tell them. */
  usage: (() => Promise<UsageCounters | null>) | null;
  stop(): Promise<void>;
}
