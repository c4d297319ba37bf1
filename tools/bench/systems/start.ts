/**
 * How each system under test is started for a run: Listroom and the bare
 * rooms from Worker bundles built once per run (Listroom's from a snapshot
 * of the repository, or from another tree), the rest as they are.
 */
import { PROJECT_ROOT } from "../../harness/paths";
import { BARE_CONFIG } from "../lib/paths";
import { ALL_SYSTEMS } from "../plan";
import type { OtherTree } from "../run/memory";
import { startNodeSystem } from "./node";
import type { RunningSystem, SystemName } from "./types";
import { buildWorkerBundle, type WorkerBundle } from "./workerBundle";
import { startWorkerdSystem } from "./workerd";
import { describeProvenance, snapshotListroom, startBare, startListroom, type Provenance } from "./wrangler";

export interface Started {
  system: RunningSystem;
  provenance: Provenance | null;
}

/** Worker bundles for the workerd column, built once per run (Listroom's from a snapshot of the repository). */
export class Bundles {
  private listroom: { bundle: WorkerBundle; provenance: Provenance } | null = null;
  private bare: WorkerBundle | null = null;

  /** `listroomTree`: another checkout or copy to build Listroom's workerd bundle from (an A/B of a change to src/). */
  constructor(
    private readonly listroomTree: string | null = null,
    /** Build Listroom unminified, for a profile read by source file. */
    private readonly readable = false,
  ) {}

  forListroom(): { bundle: WorkerBundle; provenance: Provenance } {
    if (!this.listroom) {
      const snapshot = snapshotListroom();
      const tree = this.listroomTree ?? snapshot.dir;
      const provenance = this.listroomTree
        ? { ...snapshot.provenance, uncommitted: [`built from ${this.listroomTree}, not this checkout`] }
        : snapshot.provenance;
      this.listroom = { bundle: buildWorkerBundle(tree, undefined, this.readable), provenance };
    }
    return this.listroom;
  }

  forBare(): WorkerBundle {
    this.bare ??= buildWorkerBundle(PROJECT_ROOT, BARE_CONFIG);
    return this.bare;
  }

  /** The deployed script's size, as `wrangler deploy --dry-run` built it. */
  sizes(): { listroom: { bytes: number; gzipBytes: number } | null; bare: { bytes: number; gzipBytes: number } | null } {
    const size = (bundle: WorkerBundle | undefined) => (bundle ? { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes } : null);
    return { listroom: size(this.listroom?.bundle), bare: size(this.bare ?? undefined) };
  }
}

/** `--systems a,b`: names checked against every system there is, or `fallback` when absent. */
export function systemsOf(value: string | undefined, fallback: SystemName[]): SystemName[] {
  if (!value) return fallback;
  return value.split(",").map((raw) => {
    const name = ALL_SYSTEMS.find((candidate) => candidate === raw.trim());
    if (name === undefined) throw new Error(`unknown system ${raw}; expected ${ALL_SYSTEMS.join(",")}`);
    return name;
  });
}

/** `--also-tree NAME=DIR`: another checkout measured beside this one, its workerd bundle built once from a snapshot of it. */
export function otherTree(spec: string): OtherTree {
  const match = /^([A-Za-z0-9._-]+)=(.+)$/.exec(spec);
  const [, name, dir] = match ?? [];
  if (name === undefined || dir === undefined) throw new Error(`--also-tree needs NAME=DIR, not ${spec}`);
  let built: { bundle: WorkerBundle; provenance: Provenance } | null = null;
  const build = () => {
    if (built === null) {
      // The snapshot stays until the run ends (the harness removes its temp dirs): the bundle reads its wrangler.toml.
      const snapshot = snapshotListroom(dir);
      built = { bundle: buildWorkerBundle(snapshot.dir), provenance: snapshot.provenance };
    }
    return built;
  };
  return {
    name,
    dir,
    bundle: () => build().bundle,
    provenance: () => describeProvenance(build().provenance),
  };
}

/** Starts `name` on `serverCpu` (null: unpinned); wrangler dev's local observability only when asked. */
export function starterFor(name: SystemName, serverCpu: number | null, bundles: Bundles) {
  return async ({ localObservability }: { localObservability: boolean }): Promise<Started> => {
    switch (name) {
      case "listroom":
        return startListroom(serverCpu, localObservability);
      case "bare":
        return { system: await startBare(serverCpu, localObservability), provenance: null };
      case "listroom-workerd": {
        const { bundle, provenance } = bundles.forListroom();
        const system = await startWorkerdSystem({
          name,
          bundle,
          vars: { EXPOSE_USAGE: "true" },
          healthPath: "/api/items?limit=1",
          usagePath: "/api/usage",
          cpu: serverCpu,
        });
        return { system, provenance };
      }
      case "bare-workerd":
      case "bare-acking-workerd":
        return {
          system: await startWorkerdSystem({ name, bundle: bundles.forBare(), vars: {}, healthPath: "/health", usagePath: null, cpu: serverCpu }),
          provenance: null,
        };
      case "socketio":
      case "ws":
        return { system: await startNodeSystem(name, serverCpu), provenance: null };
    }
  };
}
