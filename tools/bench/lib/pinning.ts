/**
 * The load generator on core 0 and every server on core 1, so that neither
 * takes the other's CPU and each server's ticks are its own. Without taskset,
 * or on one core, nothing is pinned and the results say so.
 */
import { spawnSync } from "node:child_process";
import { machineCores } from "../../harness/proc";
import { hasTaskset } from "../../harness/processGroup";

export const LOADGEN_CPU = 0;
export const SERVER_CPU = 1;

export interface Pinning {
  pinned: boolean;
  /** The core servers are started on, or null when nothing is pinned. */
  serverCpu: number | null;
}

/** Pins every thread of this process (the load generator) to {@link LOADGEN_CPU}, where it can. */
export function pinLoadGenerator(): Pinning {
  const pinned =
    hasTaskset() &&
    machineCores() > 1 &&
    spawnSync("taskset", ["-a", "-p", "-c", String(LOADGEN_CPU), String(process.pid)], { stdio: "ignore" }).status === 0;
  return { pinned, serverCpu: pinned ? SERVER_CPU : null };
}
