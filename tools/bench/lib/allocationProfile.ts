/**
 * Where a Worker's JavaScript allocates, through workerd's inspector: V8's
 * sampling heap profiler (`HeapProfiler.startSampling` / `stopSampling`)
 * keeping the samples of objects already collected too, so garbage shows as
 * well as what stays. Each sample's bytes are charged to its allocating
 * function (self) and to the innermost frame of the repository's own code on
 * its stack (src/…), placed through the bundle's source map. For finding,
 * never for figures: the profiler costs the isolate time and memory.
 */
import { recordedDuring, sourcePlacer, type CallFrame, type InspectorSession } from "./v8Profile";

/** Bytes between samples, on average; small enough that a few KiB an arrival leaves thousands. */
const SAMPLING_INTERVAL_BYTES = 1_024;

interface SamplingNode {
  id: number;
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}

export interface SamplingProfile {
  head: SamplingNode;
  samples: { size: number; nodeId: number; ordinal: number }[];
}

export interface AllocationSite {
  where: string;
  bytes: number;
  percent: number;
}

export interface AllocationSites {
  totalBytes: number;
  /** By allocating function. */
  self: AllocationSite[];
  /** By the innermost frame of src/ on the stack ("(no src frame)": the runtime's or a library's own). */
  ours: AllocationSite[];
}

/** Samples what the isolate allocates while `workload` runs, collected objects included. */
export async function sampleAllocations(session: InspectorSession, workload: () => Promise<void>): Promise<SamplingProfile> {
  await session.send("HeapProfiler.enable");
  await session.send("HeapProfiler.startSampling", {
    samplingInterval: SAMPLING_INTERVAL_BYTES,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return recordedDuring(workload, async () => (await session.send<{ profile: SamplingProfile }>("HeapProfiler.stopSampling")).profile);
}

/** The profile folded into sites, largest first, placed in the sources through `sourceMapFile`. */
export function allocationSites(profile: SamplingProfile, sourceMapFile: string, top = 40): AllocationSites {
  const place = sourcePlacer(sourceMapFile);
  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let totalBytes = 0;
  const walk = (node: SamplingNode, innermostOurs: string | null): void => {
    const where = place(node.callFrame);
    const mine = where.startsWith("src/") ? where : innermostOurs;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      self.set(where, (self.get(where) ?? 0) + node.selfSize);
      const key = mine ?? "(no src frame)";
      ours.set(key, (ours.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, mine);
  };
  walk(profile.head, null);
  const sorted = (sites: Map<string, number>): AllocationSite[] =>
    [...sites.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, bytes]) => ({ where, bytes, percent: Math.round((1_000 * bytes) / Math.max(1, totalBytes)) / 10 }));
  return { totalBytes, self: sorted(self), ours: sorted(ours) };
}
