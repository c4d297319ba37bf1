/**
 * Cold start, read the same way for every runtime: the age of the runtime's
 * workerd process (from its start time in /proc) at the moment the first
 * request to the Worker's health path answers 200, and how long that first
 * request took. The Durable Object does not exist before that request, so
 * it includes creating the object and running its migrations.
 */
import { readFileSync } from "node:fs";
import { CLOCK_TICKS_PER_SECOND } from "../../harness/proc";
import { now } from "../../harness/wait";
import type { ColdStart } from "../systems/types";

const FIRST_REQUEST_TIMEOUT_MS = 30_000;

/** ms since `pid` started, or null when it is gone. */
export function processAgeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime, in clock ticks after boot); fields after the ")" of comm start at field 3.
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const uptimeSeconds = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return Math.round(uptimeSeconds * 1000 - (startTicks * 1000) / CLOCK_TICKS_PER_SECOND);
  } catch {
    return null;
  }
}

/** The first GET of `url` on a runtime that has answered nothing yet; throws unless it answers 200. */
export async function firstRequest(url: string, runtimePid: number, what: string, headers: Record<string, string> = {}): Promise<ColdStart> {
  const started = now();
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(FIRST_REQUEST_TIMEOUT_MS) });
  await response.arrayBuffer();
  const firstOkRequestMs = Math.round((now() - started) * 10) / 10;
  const spawnToFirstOkMs = processAgeMs(runtimePid);
  if (response.status !== 200 || spawnToFirstOkMs === null) {
    throw new Error(`first request to ${url} answered ${response.status}${spawnToFirstOkMs === null ? " and the runtime is gone" : ""}`);
  }
  return { spawnToFirstOkMs, firstOkRequestMs, what };
}
