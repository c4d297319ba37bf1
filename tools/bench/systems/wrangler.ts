/**
 * Listroom and the bare broadcast under `wrangler dev`, pinned to the server
 * core. wrangler dev runs two workerd processes: a dev-only proxy on the port
 * we choose, and the runtime holding the Worker and its Durable Object on a
 * port of its own. Every WebSocket frame through the proxy costs a second
 * workerd the same work again, and production has no such proxy, so the load
 * goes straight to the runtime's entry socket (found from /proc and probed);
 * the proxy is kept for a side-by-side point (`proxyOrigin`). Listroom runs
 * from a snapshot of the repository copied to a temporary directory, so that
 * colleagues editing src/ cannot make wrangler reload it mid-run.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { APP_FILES, copyApp } from "../../harness/appCopy";
import { HOST, httpStatus } from "../../harness/net";
import { PROJECT_ROOT } from "../../harness/paths";
import { startWranglerDev } from "../../harness/wranglerDev";
import { firstRequest } from "../lib/coldStart";
import { BARE_CONFIG } from "../lib/paths";
import type { ColdStart, RunningSystem, SystemName, UsageCounters } from "./types";

/** The files whose content says which code ran (public/ is built from src/). */
const SOURCE_FILES = APP_FILES.filter((path) => path !== "public");

export interface Provenance {
  commit: string;
  /** `git status --porcelain` of the files copied: empty when the snapshot is the commit. */
  uncommitted: string[];
  /** sha256 of every copied file, so two runs can be compared. */
  contentHash: string;
}

/** A snapshot's provenance as a results file names it: the commit, the content hash, and any uncommitted files. */
export function describeProvenance({ commit, uncommitted, contentHash }: Provenance): string {
  return `${commit.slice(0, 7)} (content ${contentHash}${uncommitted.length > 0 ? `; uncommitted: ${uncommitted.join(", ")}` : ""})`;
}

function git(args: string[], cwd = PROJECT_ROOT): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

function hashTree(root: string, paths: string[]): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    const full = join(root, path);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) walk(join(path, name));
    } else {
      hash.update(path).update("\0").update(readFileSync(full));
    }
  };
  for (const path of paths) walk(path);
  return hash.digest("hex").slice(0, 16);
}

/** Copies what Listroom needs into a fresh directory and says which code it is; `from`: another checkout (`--also-tree`). */
export function snapshotListroom(from = PROJECT_ROOT): { dir: string; remove(): void; provenance: Provenance } {
  const app = copyApp("listroom-bench-app-", from);
  const provenance: Provenance = {
    commit: git(["rev-parse", "HEAD"], from),
    uncommitted: git(["status", "--porcelain", "--", ...SOURCE_FILES], from)
      .split("\n")
      .filter((line) => line.length > 0),
    contentHash: hashTree(app.dir, SOURCE_FILES),
  };
  return { ...app, provenance };
}

export interface WranglerTarget {
  name: Extract<SystemName, "listroom" | "bare">;
  cwd: string;
  configPath: string | null;
  /** A GET that answers 200 once the Worker is up. */
  healthPath: string;
  /** The first request to the Worker and its Durable Object once wrangler is up, timed as the cold start. */
  coldStartPath: string | null;
  cpu: number | null;
  /** Leave wrangler dev's local observability (tracing every event) on, as it is by default. */
  localObservability: boolean;
  /** `--var NAME:VALUE` for each. */
  vars: Record<string, string>;
  /** A route serving the room's billable-work counters, when the Worker has one. */
  usagePath: string | null;
  cleanup(): void;
}

export async function startWranglerSystem(target: WranglerTarget): Promise<RunningSystem> {
  let server;
  try {
    server = await startWranglerDev({
      label: `wrangler dev (${target.name})`,
      projectDir: target.cwd,
      configPath: target.configPath ?? undefined,
      healthPath: target.healthPath,
      cpu: target.cpu,
      logLevel: "warn",
      vars: target.vars,
      // wrangler dev's local tracing (a streaming tail into a SQLite trace store) and its data
      // explorer are dev-only and would bill every request and WebSocket event about twice over;
      // see docs/PERFORMANCE.md for what they cost when left on.
      env: { X_LOCAL_OBSERVABILITY: String(target.localObservability), X_LOCAL_EXPLORER: "false" },
    });
  } catch (error) {
    target.cleanup();
    throw error;
  }
  const running = server;
  const runtime = running.runtime();
  const notes: string[] = [];
  if (runtime === null) notes.push("runtime workerd entry not found; load went through wrangler dev's proxy");
  const origin = runtime?.origin ?? running.baseUrl;
  let coldStart: ColdStart | null = null;
  if (target.coldStartPath !== null && runtime !== null) {
    coldStart = await firstRequest(`${origin}${target.coldStartPath}`, runtime.pid, "wrangler dev's runtime workerd (readiness asked a static file first)");
  }
  const usageUrl = target.usagePath === null ? null : `${origin}${target.usagePath}`;
  const usageAnswers = usageUrl !== null && (await httpStatus(usageUrl)) === 200;
  if (usageUrl !== null && !usageAnswers) {
    notes.push(`${target.usagePath} does not answer; billable work is estimated from the client side`);
  }
  return {
    name: target.name,
    protocol: target.name,
    origin,
    proxyOrigin: running.baseUrl,
    ...(running.inspectorPort === null ? {} : { inspectorOrigin: `http://${HOST}:${running.inspectorPort}` }),
    requestHeaders: {},
    processes: () => running.processes(),
    exited: () => running.exited(),
    logs: () => running.logs(),
    notes,
    usage: usageUrl !== null && usageAnswers ? () => readUsage(usageUrl) : null,
    coldStart,
    stop: async () => {
      await running.dispose();
      target.cleanup();
    },
  };
}

const USAGE_TIMEOUT_MS = 5_000;

async function readUsage(url: string): Promise<UsageCounters | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(USAGE_TIMEOUT_MS) });
    if (!response.ok) return null;
    const body = (await response.json()) as { usage?: UsageCounters };
    return body.usage ?? null;
  } catch {
    return null;
  }
}

export async function startListroom(
  cpu: number | null,
  localObservability = false,
  from = PROJECT_ROOT,
): Promise<{ system: RunningSystem; provenance: Provenance }> {
  const { dir, remove, provenance } = snapshotListroom(from);
  const system = await startWranglerSystem({
    name: "listroom",
    cwd: dir,
    configPath: null,
    // A static file, so that the first request to reach the Worker and its object is the timed one.
    healthPath: "/app.js",
    coldStartPath: "/api/items?limit=1",
    cpu,
    localObservability,
    // Serves GET /api/usage, the room's billable-work counters (see docs/PROTOCOL.md).
    vars: { EXPOSE_USAGE: "true" },
    usagePath: "/api/usage",
    cleanup: remove,
  });
  if (provenance.uncommitted.length > 0) {
    system.notes.push(`ran with uncommitted changes: ${provenance.uncommitted.join(", ")}`);
  }
  return { system, provenance };
}

export function startBare(cpu: number | null, localObservability = false): Promise<RunningSystem> {
  return startWranglerSystem({
    name: "bare",
    cwd: PROJECT_ROOT,
    configPath: BARE_CONFIG,
    healthPath: "/health",
    coldStartPath: null,
    cpu,
    localObservability,
    vars: {},
    usagePath: null,
    cleanup: () => {},
  });
}
