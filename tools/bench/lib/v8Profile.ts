/**
 * A V8 CPU profile of a Worker on workerd, taken through its inspector (the
 * Chrome DevTools protocol): `Profiler.start` while a workload runs, then
 * `Profiler.stop`, and the samples folded into self time per function,
 * placed in the repository's sources with the bundle's source map. Only the
 * profiling run opens the inspector; the measured runs never do.
 */
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import WebSocket from "ws";

const SAMPLING_INTERVAL_US = 100;
/**
 * workerd leaves the isolate while it waits for I/O, and V8 takes no sample
 * meanwhile, so the sample before a wait carries the whole wait as its time
 * (measured: 10–12 s of an 11 s profile of ten saves in gaps over 5 ms, a few
 * single samples of 0.5–1.7 s). A busy sample's time is its interval, a few
 * more under preemption; anything past this cap is the wait, charged to no one.
 */
const BUSY_SAMPLE_CAP_US = 10 * SAMPLING_INTERVAL_US;
const COMMAND_TIMEOUT_MS = 60_000;

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `src/room/ListRoom.ts:123 webSocketMessage`, or the runtime's own name for native and idle time. */
  where: string;
  selfMs: number;
  percent: number;
}

/** A session with one isolate's inspector, found by the Worker's name in workerd's target list. */
/** Runs `workload`, then `stop` whether it failed or not (a recording left running slows the isolate for whatever comes next). */
export async function recordedDuring<T>(workload: () => Promise<void>, stop: () => Promise<T>): Promise<T> {
  try {
    await workload();
  } catch (error) {
    await stop();
    throw error;
  }
  return stop();
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  /** Chunks of a heap snapshot being taken, when one is. */
  private snapshotChunks: string[] | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { chunk?: string }; result?: unknown; error?: { message: string } };
      if (message.method === "HeapProfiler.addHeapSnapshotChunk") this.snapshotChunks?.push(message.params?.chunk ?? "");
      if (message.id === undefined) return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error.message));
      else waiting?.resolve(message.result);
    });
  }

  static async open(inspectorOrigin: string, workerName: string): Promise<InspectorSession> {
    const targets = (await (await fetch(`${inspectorOrigin}/json/list`)).json()) as { id: string; title?: string; webSocketDebuggerUrl?: string }[];
    const target = targets.find((candidate) => candidate.title?.includes(workerName) || candidate.id.includes(workerName)) ?? targets[0];
    const url = target?.webSocketDebuggerUrl ?? (target ? `${inspectorOrigin.replace(/^http/, "ws")}/${target.id}` : null);
    if (!url) throw new Error(`no inspector target at ${inspectorOrigin}`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new InspectorSession(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** Profiles the isolate while `workload` runs. */
  async profile(workload: () => Promise<void>): Promise<CpuProfile> {
    await this.send("Profiler.enable");
    await this.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await this.send("Profiler.start");
    return recordedDuring(workload, async () => (await this.send<{ profile: CpuProfile }>("Profiler.stop")).profile);
  }

  /** A heap snapshot of the isolate (after a full GC), summed by constructor: what is live, and how much of it. */
  async heapByConstructor(): Promise<Map<string, { count: number; bytes: number }>> {
    this.snapshotChunks = [];
    try {
      await this.send("HeapProfiler.enable");
      await this.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      return summarizeHeapSnapshot(JSON.parse(this.snapshotChunks.join("")) as HeapSnapshot);
    } finally {
      this.snapshotChunks = null;
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** A source map's path (relative to wherever the bundle was built) as a path in the repository. */
function repositoryPath(source: string): string {
  for (const root of ["node_modules/", "tools/", "src/"]) {
    const at = source.lastIndexOf(root);
    if (at >= 0) return source.slice(at);
  }
  return source;
}

/** A profile's frame as V8's inspector gives it (CPU and sampling heap profiles alike). */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Names a frame by where it is in the repository's sources (`src/room/x.ts:12 fn`), through the bundle's `sourceMapFile`; by its function's name alone where the map does not place it. */
export function sourcePlacer(sourceMapFile: string): (frame: CallFrame) => string {
  const map = new SourceMap(JSON.parse(readFileSync(sourceMapFile, "utf8")) as SourceMapPayload);
  return ({ functionName, url, lineNumber, columnNumber }) => {
    const name = functionName || "(anonymous)";
    if (!url || lineNumber < 0) return name;
    const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
    return entry.originalSource ? `${repositoryPath(entry.originalSource)}:${(entry.originalLine ?? 0) + 1} ${name}` : name;
  };
}

/** Self time per function over the whole profile, hottest first, placed in the sources through `sourceMapFile`. */
export function hotFunctions(profile: CpuProfile, sourceMapFile: string, top = 30): HotFunction[] {
  const place = sourcePlacer(sourceMapFile);
  const selfUs = new Map<number, number>();
  // A sample lasts until the next one: timeDeltas[i + 1], as DevTools reads it. Charging the gap
  // before a sample instead (timeDeltas[i]) bills idle stretches to the first event after them.
  profile.samples.forEach((nodeId, index) => selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[index + 1] ?? 0)));
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const where = place(node.callFrame);
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
  }
  const total = [...byPlace.values()].reduce((sum, us) => sum + us, 0);
  return [...byPlace.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / total) * 1000) / 10 }));
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per constructor (objects), or per node type (strings, code, native), from a V8 heap snapshot. */
export function summarizeHeapSnapshot(snapshot: HeapSnapshot): Map<string, { count: number; bytes: number }> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field)) as [number, number, number];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
    const type = types[snapshot.nodes[index + typeAt]!] ?? "?";
    const key = type === "object" || type === "closure" || type === "native" ? `${type} ${snapshot.strings[snapshot.nodes[index + nameAt]!] ?? "?"}` : type;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[index + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

/** Which object's code a source file is: the list's own modules, a relay's, the Worker's. */
export type CpuOwner = "list" | "relay" | "worker";

/** Where a profile's busy time went: each owner's JavaScript, modules both objects run, the runtime's native work. */
export type CpuShares = Record<CpuOwner | "shared" | "native", number>;

/**
 * Busy time (ms) of the profile charged to the object whose code is on the
 * sample's stack: every sample walks from its frame to the root, and the
 * outermost frame in a file `ownerOf` names decides (an object's hook or RPC
 * method, or for a continuation after an await, the async function that
 * resumed, when its module belongs to one object). JavaScript with no such
 * frame (a continuation in a module both objects run) is `shared`; samples
 * with no JavaScript frame at all (the runtime's own work for sockets,
 * garbage collection) are `native`. Idle time and "(program)" (outside
 * JavaScript, on workerd mostly waiting for I/O) are left out, and so is a
 * sample's time past {@link BUSY_SAMPLE_CAP_US} (the wait that followed it).
 */
export function cpuByOwner(profile: CpuProfile, sourceMapFile: string, ownerOf: (path: string) => CpuOwner | null): CpuShares {
  const map = new SourceMap(JSON.parse(readFileSync(sourceMapFile, "utf8")) as SourceMapPayload);
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const sourceOf = new Map<number, string | null>();
  const source = (node: ProfileNode): string | null => {
    if (!sourceOf.has(node.id)) {
      const { url, lineNumber, columnNumber } = node.callFrame;
      const entry = url && lineNumber >= 0 ? (map.findEntry(lineNumber, columnNumber) as { originalSource?: string }) : {};
      sourceOf.set(node.id, entry.originalSource ? repositoryPath(entry.originalSource) : null);
    }
    return sourceOf.get(node.id)!;
  };
  type Share = keyof CpuShares | "idle";
  const shareOf = new Map<number, Share>();
  const classify = (id: number): Share => {
    const known = shareOf.get(id);
    if (known !== undefined) return known;
    const name = nodes.get(id)?.callFrame.functionName;
    let share: Share = name === "(idle)" || name === "(program)" ? "idle" : "native";
    if (share !== "idle") {
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const node = nodes.get(at);
        const path = node ? source(node) : null;
        if (path === null) continue;
        const owner = ownerOf(path);
        if (owner !== null) share = owner;
        else if (share === "native") share = "shared";
      }
    }
    shareOf.set(id, share);
    return share;
  };
  const us: CpuShares = { list: 0, relay: 0, worker: 0, shared: 0, native: 0 };
  profile.samples.forEach((nodeId, index) => {
    const share = classify(nodeId);
    if (share !== "idle") us[share] += Math.min(BUSY_SAMPLE_CAP_US, profile.timeDeltas[index + 1] ?? 0);
  });
  return { list: us.list / 1000, relay: us.relay / 1000, worker: us.worker / 1000, shared: us.shared / 1000, native: us.native / 1000 };
}
